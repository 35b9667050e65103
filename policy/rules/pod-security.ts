import { REASONED_POD_SECURITY } from '../departures';
import { Json, ManifestContext, PodTemplate } from '../model';
import { controlRuleId, effectivePodSecurityMinor, LATEST_POD_SECURITY_VERSION, parsePodSecurityVersion, podSecurityFindings, POD_SECURITY_CONTROLS, podSecurityVersionLabel, RESTRICTED_CAPABILITIES } from '../pod-security';
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

/**
 * The exceptions a pod must carry to break restricted control `control`: `run-as-root` for the
 * user controls and `capability.<NAME>` per capability beyond restricted (as our constructs
 * write them), `pod-security.host-path` for a hostPath volume, and `pod-security.<control>` for
 * the rest, including a capability set that does not drop ALL.
 */
function exceptionsNeeded(pod: PodTemplate, control: string, field: string, minor: number): string[] {
  if (control === 'run-as-non-root' || control === 'run-as-user') return ['run-as-root'];
  // Restricted judges hostPath under volume-types; it is the same departure as baseline's host-path.
  if (control === 'volume-types' && field.endsWith('.hostPath')) return ['pod-security.host-path'];
  if (control !== 'capabilities') return [`pod-security.${control}`];
  const allowed: readonly string[] = RESTRICTED_CAPABILITIES;
  const added = pod.containers.flatMap(c => {
    const add: unknown = c.container?.securityContext?.capabilities?.add;
    return Array.isArray(add) ? add.filter(a => !allowed.includes(a)).map(a => `capability.${String(a)}`) : [];
  });
  // With the extra capabilities taken away, does the pod still break the control (no drop ALL)?
  const trimmed = structuredClone(pod.spec) as Json;
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const c of Array.isArray(trimmed[list]) ? trimmed[list] : []) {
      const caps = c?.securityContext?.capabilities;
      if (caps && Array.isArray(caps.add)) caps.add = caps.add.filter((a: unknown) => allowed.includes(a as string));
    }
  }
  const still = podSecurityFindings(trimmed, 'restricted', pod.metadata, minor).some(f => f.control === 'capabilities');
  return [...new Set([...added, ...(still || added.length === 0 ? ['pod-security.capabilities'] : [])])];
}

/**
 * A namespace level above restricted is one reasoned departure; what each pod does with it is
 * another. Without this, `podSecurity: privileged` with its one reason would admit any vendor pod
 * (host network, the Docker socket) with nothing said about it.
 */
export const REASONED_POD_SECURITY_RULE: Rule = {
  id: REASONED_POD_SECURITY, family: 'pod-security', severity: 'error',
  title: 'a pod that uses a namespace level above restricted names each restricted control it breaks, with a reason',
  fix: 'annotate the workload with guardrails.cdk8s.io/exception.<name> (pod-security.<control>, run-as-root or capability.<NAME>): <why>, or make the pod restricted',
  check: ctx => ctx.pods.flatMap((pod): RuleViolation[] => {
    const { level, version } = ctx.podSecurity(pod.namespace);
    if (level === 'restricted') return [];
    const minor = effectivePodSecurityMinor(version);
    const needs = new Map<string, string>();
    for (const f of podSecurityFindings(pod.spec, 'restricted', pod.metadata, minor)) {
      for (const need of exceptionsNeeded(pod, f.control, f.field, minor)) if (!needs.has(need)) needs.set(need, f.message);
    }
    return [...needs].map(([need, why]) => ({
      object: pod.object, field: `${pod.metadataPath}.annotations`, subject: need,
      message: `${why}: namespace ${pod.namespace} enforces ${level}, which admits it, so the pod needs a reason of its own `
        + `(guardrails.cdk8s.io/exception.${need})`,
    }));
  }),
};

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const own = (o: unknown, k: string): unknown => (isObject(o) && Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);
const present = (v: unknown) => v !== undefined && v !== null;

/** The node paths a PersistentVolume's spec mounts into whoever binds it: `hostPath` and `local`. */
function nodePathsOf(pv: Json): { field: string; path: unknown }[] {
  const spec = own(pv, 'spec');
  return (['hostPath', 'local'] as const).filter(k => present(own(spec, k))).map(k => ({ field: `spec.${k}`, path: own(own(spec, k), 'path') }));
}

/**
 * Storage that reaches around Pod Security: a pod's hostPath volume is judged by the pss rules,
 * but a PersistentVolume with hostPath or local hands the same node directory to any pod whose
 * claim binds it, and Pod Security sees only a persistentVolumeClaim volume. Our deployer cannot
 * create a PersistentVolume (cluster-scoped), so these are for hand-written sets judged by
 * `audit` and the plugin.
 */
export const PERSISTENT_VOLUME_RULES: Rule[] = [
  {
    id: 'storage.node-path-volume', family: 'pod-security', severity: 'error',
    title: 'no PersistentVolume hands out a node directory (hostPath or local), which Pod Security never sees behind a claim',
    fix: 'provision storage through a StorageClass (a CSI driver); a platform volume that must use a node path waives this rule on the PersistentVolume with its reason',
    check: ctx => ctx.ofKind('PersistentVolume').flatMap(pv => nodePathsOf(pv).map(({ field, path }) => ({
      object: pv, field,
      message: `${field.slice('spec.'.length)} volume of node path ${typeof path === 'string' ? `"${path}"` : JSON.stringify(path) ?? 'nothing'}: `
        + 'a pod whose claim binds it reads and writes the node\'s files, and Pod Security sees only a persistentVolumeClaim volume',
    }))),
  },
  {
    id: 'storage.claim-volume-name', family: 'pod-security', severity: 'warning',
    title: 'PersistentVolumeClaims get their volume from a StorageClass, not a pre-made PersistentVolume by name',
    fix: 'leave volumeName out and name a storageClassName; a claim that must bind a statically provisioned volume waives this rule with the reason and where that volume is reviewed',
    check: ctx => {
      const named = (object: Json, field: string, claimSpec: unknown): RuleViolation[] => {
        const name = own(claimSpec, 'volumeName');
        if (!present(name) || name === '') return [];
        const pv = typeof name === 'string' ? ctx.ofKind('PersistentVolume').find(v => v.metadata?.name === name) : undefined;
        const node = pv ? nodePathsOf(pv).map(p => p.field.slice('spec.'.length)) : [];
        return [{
          object, field: `${field}.volumeName`,
          message: `binds PersistentVolume ${JSON.stringify(name)} by name, around the storage class: whatever that volume holds `
            + (pv === undefined ? '(it is not in the set, so it cannot be judged) ' : node.length ? `(a ${node.join(' and ')} node directory) ` : '')
            + 'becomes the tenant\'s, another tenant\'s released data or a node directory included',
        }];
      };
      return [
        ...ctx.ofKind('PersistentVolumeClaim').flatMap(pvc => named(pvc, 'spec', own(pvc, 'spec'))),
        ...ctx.ofKind('StatefulSet').flatMap(set => {
          const templates = own(own(set, 'spec'), 'volumeClaimTemplates');
          return (Array.isArray(templates) ? templates : []).flatMap((t, i) => named(set, `spec.volumeClaimTemplates[${i}].spec`, own(t, 'spec')));
        }),
        ...ctx.pods.flatMap(pod => {
          const volumes = own(pod.spec, 'volumes');
          return (Array.isArray(volumes) ? volumes : []).flatMap((v, i) => named(pod.object,
            [pod.specPath, `volumes[${i}].ephemeral.volumeClaimTemplate.spec`].filter(Boolean).join('.'), own(own(own(v, 'ephemeral'), 'volumeClaimTemplate'), 'spec')));
        }),
      ];
    },
  },
];
