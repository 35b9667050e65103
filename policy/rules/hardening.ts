import { EXCEPTION_PREFIX } from '../annotations';
import { annotationsOf, ContainerRef, Json, PodTemplate } from '../model';
import { Rule } from '../rule';

/** Hardening beyond Pod Security: read-only root, no API token, resources, health checks. */

/** Kinds whose pods serve for long, so that missing health checks matter. */
const LONG_RUNNING = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController'];

/** Init and regular containers (ephemeral ones are debugging sessions, added by kubectl debug). */
const containers = (pod: PodTemplate): { c: any; path: string }[] =>
  pod.containers.filter((r: ContainerRef) => r.list !== 'ephemeralContainers').map(r => ({ c: r.container, path: r.path }));

export const HARDENING_RULES: Rule[] = [
  {
    id: 'hardening.read-only-root', family: 'hardening', severity: 'error', title: 'read-only root filesystem',
    fix: 'set readOnlyRootFilesystem: true and mount an emptyDir where the app writes, or annotate guardrails.cdk8s.io/exception.writable-root-filesystem with a reason',
    check: ctx => ctx.pods.filter(pod => !(`${EXCEPTION_PREFIX}writable-root-filesystem` in annotationsOf(pod)))
      .flatMap(pod => containers(pod).filter(({ c }) => c.securityContext?.readOnlyRootFilesystem !== true)
        .map(({ path }) => ({ object: pod.object, field: `${path}.securityContext.readOnlyRootFilesystem`, message: 'the root filesystem is writable' }))),
  },
  {
    id: 'hardening.token-automount', family: 'hardening', severity: 'error', title: 'no service account token unless needed',
    fix: 'set automountServiceAccountToken: false on the pod (and on its ServiceAccount)',
    check: ctx => ctx.pods.filter(pod => {
      if (pod.spec.automountServiceAccountToken !== undefined) return pod.spec.automountServiceAccountToken !== false;
      const sa = ctx.get('ServiceAccount', pod.namespace, pod.spec.serviceAccountName ?? 'default');
      return sa?.automountServiceAccountToken !== false;
    }).map(pod => ({ object: pod.object, field: `${pod.specPath}.automountServiceAccountToken`, message: 'pods get an API token they do not need' })),
  },
  {
    id: 'hardening.resources', family: 'hardening', severity: 'error', title: 'CPU and memory requests and a memory limit',
    fix: 'set resources.requests.cpu, resources.requests.memory and resources.limits.memory on every container',
    check: ctx => ctx.pods.flatMap(pod => containers(pod).flatMap(({ c, path }) => [
      ...['cpu', 'memory'].filter(r => c.resources?.requests?.[r] === undefined)
        .map(r => ({ object: pod.object, field: `${path}.resources.requests.${r}`, message: `no ${r} request` })),
      ...(c.resources?.limits?.memory === undefined ? [{ object: pod.object, field: `${path}.resources.limits.memory`, message: 'no memory limit' }] : []),
    ])),
  },
  {
    id: 'hardening.probes', family: 'hardening', severity: 'warning', title: 'long-running containers have health checks',
    fix: 'add a readinessProbe (and a livenessProbe where a restart helps)',
    check: ctx => ctx.pods.filter(pod => LONG_RUNNING.includes(pod.object.kind)).flatMap(pod =>
      ((pod.spec.containers ?? []) as Json[]).map((c, i) => ({ c, path: `${pod.specPath}.containers[${i}]` }))
        .filter(({ c }) => !c.readinessProbe && !c.livenessProbe && !c.startupProbe)
        .map(({ path }) => ({ object: pod.object, field: `${path}.readinessProbe`, message: 'no readiness, liveness or startup probe' }))),
  },
];
