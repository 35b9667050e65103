'use strict';

/**
 * The guardrails gate as a cdk8s-cli validation plugin. `cdk8s synth` requires this file, builds
 * `new GuardrailsValidation(properties)` and awaits `validate(context)` once the app has written
 * its manifests; a report submitted as 'failure' makes the command exit with code 2.
 *
 * The gate is TypeScript and this repo has no build step, so tsx compiles it on the fly. Its
 * register is namespaced: only what `tsx.require` loads from here goes through tsx, and the CLI
 * and other plugins keep Node's own loader.
 */
const path = require('path');
const { register } = require('tsx/cjs/api');

// tsx otherwise takes the tsconfig.json of the working directory, i.e. of the cdk8s app: compile
// the gate with this repo's own, as the tests do.
const cwdTsconfig = process.env.TSX_TSCONFIG_PATH;
process.env.TSX_TSCONFIG_PATH = path.join(__dirname, '..', 'tsconfig.json');
const tsx = register({ namespace: 'cdk8s-guardrails' });
if (cwdTsconfig === undefined) delete process.env.TSX_TSCONFIG_PATH; else process.env.TSX_TSCONFIG_PATH = cwdTsconfig;
const fs = require('fs');
const { checkManifests, describeObject, formatFinding, readManifests } = tsx.require('../policy', __filename);

class GuardrailsValidation {
  constructor(properties = {}) {
    // The gate takes no options: waivers live on the objects themselves. Refuse any, rather than
    // let a cdk8s.yaml believe it configured something.
    const unknown = Object.keys(properties ?? {});
    if (unknown.length > 0) {
      throw new Error(`GuardrailsValidation takes no properties, got: ${unknown.join(', ')}`);
    }
  }

  async validate(context) {
    // Rules span objects (namespaces, network policies, RBAC), so judge every manifest at once,
    // remembering which file each object came from.
    const objects = [];
    const files = new Map();
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
        violatingResources: [{ resourceName: f.object, locations: [f.field], manifestPath: files.get(f.object) }],
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

module.exports = { GuardrailsValidation };
