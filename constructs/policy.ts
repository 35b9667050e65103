import { parsePinnedImage } from './image';
import { POD_SECURITY_LEVELS, podSecurityFindings, PodSecurityLevel } from './pod-security';
import { EXCEPTION_ANNOTATION_PREFIX } from './hardened-deployment';

/** A problem found in a synthesized manifest. */
export interface ManifestFinding {
  /** `Kind namespace/name`. */
  readonly object: string;
  /** Field path inside the object. */
  readonly field: string;
  readonly message: string;
}

type Json = Record<string, any>;

/** Where the pod spec sits in each kind that makes pods. */
const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** The pod spec of an object that makes pods, with its path, or `undefined`. */
export function podSpecOf(object: Json): { spec: Json; path: string } | undefined {
  const path = POD_SPEC_PATHS[object?.kind];
  if (!path) return undefined;
  const spec = path.reduce((o: any, k) => o?.[k], object);
  return spec ? { spec, path: path.join('.') } : undefined;
}

/** The Pod Security level enforced on each namespace that the objects define. */
export function enforcedLevels(objects: Json[]): Map<string, PodSecurityLevel> {
  const levels = new Map<string, PodSecurityLevel>();
  for (const o of objects) {
    const level = o?.kind === 'Namespace' ? o.metadata?.labels?.['pod-security.kubernetes.io/enforce'] : undefined;
    if (POD_SECURITY_LEVELS.includes(level)) levels.set(o.metadata.name, level);
  }
  return levels;
}

/**
 * The last line of defence before `dist/` is written: judges every object that makes pods, built
 * by our constructs or not, against the Pod Security level of its namespace (restricted when the
 * namespace is not ours), digest pinning, and our hardening defaults (read-only root unless an
 * exception says why, no service account token, requests and a memory limit).
 */
export function checkManifests(objects: Json[]): ManifestFinding[] {
  const levels = enforcedLevels(objects);
  const findings: ManifestFinding[] = [];
  for (const o of objects) {
    const pod = podSpecOf(o);
    if (!pod) continue;
    const namespace = o.metadata?.namespace ?? 'default';
    const object = `${o.kind} ${namespace}/${o.metadata?.name}`;
    const add = (field: string, message: string) => findings.push({ object, field: `${pod.path}.${field}`, message });
    const level = levels.get(namespace) ?? 'restricted';
    for (const f of podSecurityFindings(pod.spec, level)) add(f.field, `Pod Security ${f.level}: ${f.message}`);

    const annotations: Json = o.metadata?.annotations ?? {};
    if (pod.spec.automountServiceAccountToken !== false) add('automountServiceAccountToken', 'must be false: pods get no API token unless they need one');
    for (const list of ['initContainers', 'containers'] as const) {
      for (const [i, c] of (pod.spec[list] ?? []).entries()) {
        const at = `${list}[${i}]`;
        if (!parsePinnedImage(String(c.image))) add(`${at}.image`, `image ${c.image} is not pinned by digest`);
        if (c.securityContext?.readOnlyRootFilesystem !== true && !(`${EXCEPTION_ANNOTATION_PREFIX}writable-root-filesystem` in annotations)) {
          add(`${at}.securityContext.readOnlyRootFilesystem`, 'must be true unless an exception gives a reason');
        }
        if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory) add(`${at}.resources.requests`, 'CPU and memory requests must be set');
        if (!c.resources?.limits?.memory) add(`${at}.resources.limits.memory`, 'a memory limit must be set');
      }
    }
  }
  return findings;
}
