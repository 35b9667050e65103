/**
 * The guardrails gate as a cdk8s-cli validation plugin. `cdk8s synth` requires the package (by
 * name from its plugins folder, or by a local path such as `./node_modules/cdk8s-guardrails`),
 * builds `new GuardrailsValidation(properties)` and awaits `validate(context)` once the app has
 * written its manifests; a report submitted as 'failure' makes the command exit with code 2.
 *
 * cdk8s.yaml:
 *
 *     validations:
 *       - package: cdk8s-guardrails
 *         class: GuardrailsValidation
 *         version: 0.1.0
 *
 * It needs only the policy engine (no cdk8s): the CLI may load it from a folder of its own.
 */
import * as fs from 'fs';
import { checkManifests, describeObject, formatFinding, Json, readManifests } from '../policy';

/** What cdk8s-cli passes to `validate` (the part we use; see `cdk8s-cli/plugins`). */
export interface ValidationContext {
  /** Paths of the manifests the app wrote. */
  readonly manifests: readonly string[];
  readonly logger: { log(message: string): void };
  readonly report: {
    addViolation(violation: {
      ruleName: string;
      recommendation: string;
      fix: string;
      violatingResources: { resourceName: string; locations: string[]; manifestPath: string }[];
    }): void;
    submit(status: 'success' | 'failure', metadata?: Record<string, unknown>): void;
  };
}

export class GuardrailsValidation {
  constructor(properties: Record<string, unknown> = {}) {
    // The gate takes no options: waivers live on the objects themselves. Refuse any, rather than
    // let a cdk8s.yaml believe it configured something.
    const unknown = Object.keys(properties ?? {});
    if (unknown.length > 0) {
      throw new Error(`GuardrailsValidation takes no properties, got: ${unknown.join(', ')}`);
    }
  }

  async validate(context: ValidationContext): Promise<void> {
    // Rules span objects (namespaces, network policies, RBAC), so judge every manifest at once,
    // remembering which file each object came from.
    const objects: Json[] = [];
    const files = new Map<string, string>();
    for (const manifestPath of context.manifests) {
      // Our reader, not the CLI's: it reads YAML 1.1 as the API server does and refuses duplicate keys.
      for (const object of readManifests(fs.readFileSync(manifestPath, 'utf8'), manifestPath)) {
        objects.push(object);
        const name = describeObject(object);
        if (!files.has(name)) files.set(name, manifestPath);
      }
    }

    const { findings, failures, warnings, waived } = checkManifests(objects);

    for (const f of failures) {
      context.report.addViolation({
        ruleName: f.rule,
        recommendation: `${f.title}: ${f.message}`,
        fix: f.fix,
        violatingResources: [{ resourceName: f.object, locations: [f.field], manifestPath: files.get(f.object)! }],
      });
    }
    for (const f of [...warnings, ...waived]) context.logger.log(formatFinding(f));

    context.report.submit(failures.length > 0 ? 'failure' : 'success', {
      objects: objects.length,
      findings: findings.length,
      failures: failures.length,
      warnings: warnings.length,
      waived: waived.length,
    });
  }
}
