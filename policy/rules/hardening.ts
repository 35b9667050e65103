import { ContainerRef, Json, ManifestContext, podTemplateOf, podTemplatePath, PodTemplate } from '../model';
import { Rule } from '../rule';
import { KUBERNETES_API_EXCEPTION, MAX_TOKEN_EXPIRATION, MIN_TOKEN_EXPIRATION } from '../api-access';

/**
 * Hardening beyond Pod Security: what our constructs do by default (non-root, no added
 * capabilities, read-only root, no API token, resources, health checks), required of every
 * object, whoever built it. A construct that departs writes an exception naming these rules.
 */

/** Kinds whose pods serve for long, so that missing health checks matter. */
const LONG_RUNNING = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController'];

/** Init and regular containers (ephemeral ones are debugging sessions, added by kubectl debug). */
const containers = (pod: PodTemplate): { c: any; path: string }[] =>
  pod.containers.filter((r: ContainerRef) => r.list !== 'ephemeralContainers').map(r => ({ c: r.container, path: r.path }));

/** A quantity as the API server takes it: a non-empty string or a number (anything else is no request at all). */
const isQuantity = (q: unknown) => (typeof q === 'string' && q.trim() !== '') || (typeof q === 'number' && Number.isFinite(q));

/** A probe does something only with a handler; `readinessProbe: {}` checks nothing. */
const hasHandler = (probe: unknown) => probe !== null && typeof probe === 'object'
  && ['exec', 'httpGet', 'tcpSocket', 'grpc'].some(h => (probe as Json)[h] !== null && typeof (probe as Json)[h] === 'object');

/** The value of `key` in a container's securityContext, else in the pod's: how the kubelet resolves it. */
function effective(pod: PodTemplate, container: Json, key: string): unknown {
  const own = container?.securityContext?.[key];
  return own !== undefined ? own : pod.spec.securityContext?.[key];
}

export const HARDENING_RULES: Rule[] = [
  {
    id: 'hardening.pod-template', family: 'hardening', severity: 'error', waivable: false, title: 'every workload has a pod template the gate can read',
    fix: 'give the workload its pod template as an object (spec.template.spec, or spec for a Pod)',
    // A pod spec that is missing or not an object escapes every pod rule: not judged is not passed.
    check: ctx => ctx.objects.filter(o => podTemplatePath(o) !== undefined && !podTemplateOf(o)).map(o => ({
      object: o, field: podTemplatePath(o) ? `${podTemplatePath(o)}.spec` : 'spec',
      message: 'the pod template is missing or not an object, so no pod rule could judge it',
    })),
  },
  {
    id: 'hardening.run-as-non-root', family: 'hardening', severity: 'error', title: 'containers run as a non-root user',
    fix: 'set securityContext.runAsNonRoot: true and a non-zero runAsUser on the pod, or give the workload a run-as-root exception with its reason',
    check: ctx => ctx.pods.flatMap(pod => pod.containers.flatMap(({ container, path }) => [
      ...(effective(pod, container, 'runAsNonRoot') !== true
        ? [{ object: pod.object, field: `${path}.securityContext.runAsNonRoot`, message: 'the container may run as root (runAsNonRoot is not true here or on the pod)' }] : []),
      ...(effective(pod, container, 'runAsUser') === 0
        ? [{ object: pod.object, field: `${path}.securityContext.runAsUser`, message: 'the container runs as UID 0' }] : []),
    ])),
  },
  {
    id: 'hardening.added-capabilities', family: 'hardening', severity: 'error', title: 'no capability added without a reason',
    fix: 'drop the capability, or give the workload an exception for it (guardrails.cdk8s.io/exception.capability.<NAME>) with its reason',
    check: ctx => ctx.pods.flatMap(pod => pod.containers.flatMap(({ container, path }) => {
      const add: unknown = container?.securityContext?.capabilities?.add;
      if (add === undefined || add === null) return [];
      if (!Array.isArray(add)) return [{ object: pod.object, field: `${path}.securityContext.capabilities.add`, message: 'capabilities.add is not a list, so what it adds cannot be judged' }];
      return add.map((cap, j) => ({
        object: pod.object, field: `${path}.securityContext.capabilities.add[${j}]`, subject: String(cap),
        message: `the container adds the capability ${JSON.stringify(cap)}`,
      }));
    })),
  },
  {
    id: 'hardening.read-only-root', family: 'hardening', severity: 'error', title: 'read-only root filesystem',
    fix: 'set readOnlyRootFilesystem: true and mount an emptyDir where the app writes, or annotate guardrails.cdk8s.io/exception.writable-root-filesystem with a reason',
    check: ctx => ctx.pods.flatMap(pod => containers(pod).filter(({ c }) => c.securityContext?.readOnlyRootFilesystem !== true)
        .map(({ path }) => ({ object: pod.object, field: `${path}.securityContext.readOnlyRootFilesystem`, message: 'the root filesystem is writable' }))),
  },
  {
    id: 'hardening.token-automount', family: 'hardening', severity: 'error', title: 'no service account token unless needed',
    fix: 'set automountServiceAccountToken: false on the pod (and on its ServiceAccount); a service that reads the API asks for kubernetesApi, '
      + `which projects a token with an audience and an expiry of ${MIN_TOKEN_EXPIRATION} to ${MAX_TOKEN_EXPIRATION} seconds and writes the exception ${KUBERNETES_API_EXCEPTION} with its reason`,
    check: ctx => ctx.pods.flatMap(pod => [
      ...(automounts(ctx, pod) ? [{ object: pod.object, field: `${pod.specPath}.automountServiceAccountToken`, message: 'pods get an API token they do not need' }] : []),
      // The same token, asked for by hand: automountServiceAccountToken: false does not stop it.
      // Only a token bound to an audience and a short expiry is the shape the kubernetes-api
      // exception excuses (its subject); any other stays a finding whatever the annotations say.
      ...projectedTokens(pod).map(({ field, token }) => {
        const problem = tokenProblem(token);
        return problem === undefined
          ? { object: pod.object, field, subject: KUBERNETES_API_EXCEPTION,
            message: `a projected volume mounts a service account token (audience ${JSON.stringify(token.audience)}, ${token.expirationSeconds} s), which needs the exception ${KUBERNETES_API_EXCEPTION} with its reason` }
          : { object: pod.object, field, message: `a projected volume mounts a service account token ${problem}` };
      }),
    ]),
  },
  {
    id: 'hardening.resources', family: 'hardening', severity: 'error', title: 'CPU and memory requests and a memory limit',
    fix: 'set resources.requests.cpu, resources.requests.memory and resources.limits.memory on every container',
    check: ctx => ctx.pods.flatMap(pod => containers(pod).flatMap(({ c, path }) => [
      ...['cpu', 'memory'].filter(r => !isQuantity(c.resources?.requests?.[r]))
        .map(r => ({ object: pod.object, field: `${path}.resources.requests.${r}`, message: `no ${r} request` })),
      ...(!isQuantity(c.resources?.limits?.memory) ? [{ object: pod.object, field: `${path}.resources.limits.memory`, message: 'no memory limit' }] : []),
    ])),
  },
  {
    id: 'hardening.probes', family: 'hardening', severity: 'warning', title: 'long-running containers have health checks',
    fix: 'add a readinessProbe (and a livenessProbe where a restart helps)',
    check: ctx => ctx.pods.filter(pod => LONG_RUNNING.includes(pod.object.kind)).flatMap(pod =>
      ((pod.spec.containers ?? []) as Json[]).map((c, i) => ({ c, path: `${pod.specPath}.containers[${i}]` }))
        .filter(({ c }) => !['readinessProbe', 'livenessProbe', 'startupProbe'].some(k => hasHandler(c?.[k])))
        .map(({ path }) => ({ object: pod.object, field: `${path}.readinessProbe`, message: 'no readiness, liveness or startup probe' }))),
  },
];

function automounts(ctx: ManifestContext, pod: PodTemplate): boolean {
  if (pod.spec.automountServiceAccountToken !== undefined) return pod.spec.automountServiceAccountToken !== false;
  const sa = ctx.get('ServiceAccount', pod.namespace, pod.spec.serviceAccountName ?? 'default');
  return sa?.automountServiceAccountToken !== false;
}

/** Where a pod's projected volumes ask for a service account token, and the token request. */
function projectedTokens(pod: PodTemplate): { field: string; token: Json }[] {
  const volumes: unknown = pod.spec.volumes;
  return (Array.isArray(volumes) ? volumes : []).flatMap((v: Json, i: number) => {
    const sources: unknown = v?.projected?.sources;
    return (Array.isArray(sources) ? sources : []).flatMap((src: Json, j: number) => (src?.serviceAccountToken !== undefined
      ? [{ field: `${pod.specPath}.volumes[${i}].projected.sources[${j}].serviceAccountToken`, token: src.serviceAccountToken }] : []));
  });
}

/** Why a projected token is not bound tightly enough to be excused, or `undefined` when it is. */
function tokenProblem(token: unknown): string | undefined {
  if (token === null || typeof token !== 'object') return `whose request is ${JSON.stringify(token)}, not an object`;
  const { audience, expirationSeconds } = token as Json;
  if (typeof audience !== 'string' || audience.trim() === '') {
    return 'with no audience, so every service that trusts the API server\'s issuer accepts it (set audience)';
  }
  if (typeof expirationSeconds !== 'number' || !Number.isInteger(expirationSeconds)) {
    return 'with no expirationSeconds, so it lives as long as the API server allows (set it)';
  }
  if (expirationSeconds < MIN_TOKEN_EXPIRATION || expirationSeconds > MAX_TOKEN_EXPIRATION) {
    return `that expires after ${expirationSeconds} s, not within ${MIN_TOKEN_EXPIRATION} to ${MAX_TOKEN_EXPIRATION} s (the kubelet refreshes it anyway; a longer life only helps a thief)`;
  }
  return undefined;
}

