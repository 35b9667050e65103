import { ManifestContext } from '../model';
import { controlRuleId, effectivePodSecurityMinor, LATEST_POD_SECURITY_VERSION, parsePodSecurityVersion, podSecurityFindings, POD_SECURITY_CONTROLS, podSecurityVersionLabel } from '../pod-security';
import { Rule, RuleViolation } from '../rule';

/**
 * The Pod Security Standards, each pod judged once at the level and policy version its
 * namespace enforces (a namespace outside the set: restricted at latest), every control a rule of
 * its own. Not waivable: the API server enforces the namespace's level whatever our annotations
 * say, so the only way to depart is a namespace level with a reason on the Namespace.
 */

const join = (...parts: string[]) => parts.filter(Boolean).join('.');

/** How a finding names the version it judged at, e.g. `v1.28` or `latest (v1.37)`. */
function describeVersion(label: string, minor: number): string {
  const parsed = parsePodSecurityVersion(label);
  if (parsed === undefined) return `latest (${podSecurityVersionLabel(minor)}), as enforce-version ${JSON.stringify(label)} is invalid`;
  if (parsed === 'latest' || parsed.minor > LATEST_POD_SECURITY_VERSION.minor) return `latest (${podSecurityVersionLabel(minor)})`;
  return podSecurityVersionLabel(minor);
}

/** Every pod judged once, its violations grouped by rule id. */
function judgeAll(ctx: ManifestContext): Map<string, RuleViolation[]> {
  const byRule = new Map<string, RuleViolation[]>();
  for (const pod of ctx.pods) {
    const { level, version } = ctx.podSecurity(pod.namespace);
    const minor = effectivePodSecurityMinor(version);
    const at = describeVersion(version, minor);
    for (const f of podSecurityFindings(pod.spec, level, pod.metadata, minor)) {
      let list = byRule.get(f.rule);
      if (!list) byRule.set(f.rule, list = []);
      list.push({
        object: pod.object,
        field: f.field === 'metadata' || f.field.startsWith('metadata.') ? join(pod.metadataPath, f.field.slice('metadata.'.length)) : join(pod.specPath, f.field),
        message: `${f.message} (namespace ${pod.namespace} enforces ${level} at ${at})`,
      });
    }
  }
  return byRule;
}

export const POD_SECURITY_RULES: Rule[] = POD_SECURITY_CONTROLS.map((control): Rule => ({
  id: controlRuleId(control),
  family: 'pod-security',
  severity: 'error',
  waivable: false,
  title: `Pod Security ${control.level}: ${control.title}`,
  fix: control.fix,
  check: ctx => ctx.once('pod-security', () => judgeAll(ctx)).get(controlRuleId(control)) ?? [],
}));
