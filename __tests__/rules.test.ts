import { checkManifests, GateResult, RULES } from '../constructs';

// Kyverno-style fixtures for the whole rule catalogue: one hardened baseline that passes every
// rule, and for every rule id at least one `bad` mutation (which must be reported by exactly that
// rule at exactly that field) and one `good` near miss (which must not be reported by it).

type Json = Record<string, any>;

const NS = 'shop-production';
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const IMAGE = `ghcr.io/acme/api:1.0.0@${DIGEST}`;
const IN_CLUSTER = 'https://kubernetes.default.svc';
const WAIVE = 'guardrails.cdk8s.io/waive.';
const APPARMOR = 'container.apparmor.security.beta.kubernetes.io/api';

/** Paths in the baseline Deployment. */
const D = 'spec.template.spec';
const C0 = `${D}.containers[0]`;
const DEPLOYMENT = `Deployment ${NS}/api`;

interface Fixture {
  namespace: Json;
  denyAll: Json;
  serviceAccount: Json;
  deployment: Json;
  role: Json;
  roleBinding: Json;
  project: Json;
  application: Json;
  /** Objects a case adds. */
  extra: Json[];
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    Object.values(o).forEach(deepFreeze);
    Object.freeze(o);
  }
  return o;
}

const hardenedContainer = (name: string): Json => ({
  name,
  image: IMAGE,
  securityContext: {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
  },
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
});

/** Frozen: every case works on a deep copy (structuredClone), so no case can leak into another. */
const BASELINE: Fixture = deepFreeze({
  namespace: {
    apiVersion: 'v1', kind: 'Namespace',
    metadata: {
      name: NS,
      labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.28' },
    },
  },
  denyAll: {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
    metadata: { name: 'default-deny', namespace: NS },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  },
  serviceAccount: {
    apiVersion: 'v1', kind: 'ServiceAccount',
    metadata: { name: 'api', namespace: NS },
    automountServiceAccountToken: false,
  },
  deployment: {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'api', namespace: NS },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'api' } },
      template: {
        metadata: { labels: { app: 'api' } },
        spec: {
          serviceAccountName: 'api',
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            ...hardenedContainer('api'),
            ports: [{ name: 'http', containerPort: 8080 }],
            readinessProbe: { httpGet: { path: '/healthz', port: 8080 } },
            volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
          }],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        },
      },
    },
  },
  role: {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role',
    metadata: { name: 'api', namespace: NS },
    rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }],
  },
  roleBinding: {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding',
    metadata: { name: 'api', namespace: NS },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'api' },
    subjects: [{ kind: 'ServiceAccount', name: 'api', namespace: NS }],
  },
  project: {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject',
    metadata: { name: 'shop', namespace: 'argocd' },
    spec: {
      sourceRepos: ['https://github.com/acme/shop'],
      destinations: [{ server: IN_CLUSTER, namespace: NS }],
      clusterResourceWhitelist: [],
    },
  },
  application: {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Application',
    metadata: { name: 'shop-api', namespace: 'argocd' },
    spec: {
      project: 'shop',
      source: { repoURL: 'https://github.com/acme/shop', path: 'dist/shop-production', targetRevision: 'main' },
      destination: { server: IN_CLUSTER, namespace: NS },
    },
  },
  extra: [],
});

type Mutation = (f: Fixture) => void;

/** A deep copy of the baseline, changed by `mutate`, as the list of objects the gate judges. */
function manifests(mutate?: Mutation): Json[] {
  const f = structuredClone(BASELINE);
  mutate?.(f);
  const { extra, ...named } = f;
  return [...Object.values(named), ...extra].filter(o => o !== undefined);
}

const check = (mutate?: Mutation): GateResult => checkManifests(manifests(mutate));

// Accessors into a fixture's Deployment.
const podSpec = (f: Fixture): Json => f.deployment.spec.template.spec;
const podSc = (f: Fixture): Json => podSpec(f).securityContext;
const api = (f: Fixture): Json => podSpec(f).containers[0];
const apiSc = (f: Fixture): Json => api(f).securityContext;
const setLevel = (level: string): Mutation => f => { f.namespace.metadata.labels['pod-security.kubernetes.io/enforce'] = level; };
const both = (...ms: Mutation[]): Mutation => f => ms.forEach(m => m(f));

/** Adds a hardened Pod `debug` (a copy of the Deployment's pod) and returns its spec. */
function addPod(f: Fixture): Json {
  const spec = structuredClone(podSpec(f));
  f.extra.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: NS }, spec });
  return spec;
}

/** Adds a Pod with a hardened ephemeral container (which may have no resources) and returns that container. */
function addEphemeral(f: Fixture): Json {
  const { resources: _, ...debug } = hardenedContainer('debug');
  debug.image = `ghcr.io/acme/debug@${DIGEST}`;
  addPod(f).ephemeralContainers = [debug];
  return debug;
}

/** Adds a hardened CronJob `report` (no probes: jobs are not long-running) and returns its pod spec. */
function addCronJob(f: Fixture): Json {
  const template = structuredClone(f.deployment.spec.template);
  delete template.spec.containers[0].readinessProbe;
  template.spec.restartPolicy = 'Never';
  f.extra.push({
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'report', namespace: NS },
    spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template } } },
  });
  return template.spec;
}

/** Adds a hardened init container `migrate` to the Deployment and returns it. */
function addInit(f: Fixture): Json {
  const init = hardenedContainer('migrate');
  podSpec(f).initContainers = [init];
  return init;
}

const POD = `Pod ${NS}/debug`;
const CRONJOB = `CronJob ${NS}/report`;
const CJ = 'spec.jobTemplate.spec.template.spec';

const rbac = (kind: string, name: string, namespace: string | undefined, body: Json): Json =>
  ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name, ...(namespace ? { namespace } : {}) }, ...body });
const apiSubject = { kind: 'ServiceAccount', name: 'api', namespace: NS };
const secretReader = rbac('ClusterRole', 'secret-reader', undefined, { rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }] });
const namespaceCreator = rbac('ClusterRole', 'namespace-creator', undefined, { rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['create'] }] });
const policy = (name: string, spec: Json, annotations?: Json): Json => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
  metadata: { name, namespace: NS, ...(annotations ? { annotations } : {}) },
  spec: { podSelector: { matchLabels: { app: 'api' } }, ...spec },
});
const secret = (body: Json): Json => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: NS }, type: 'Opaque', ...body });

interface BadCase {
  readonly name: string;
  readonly mutate: Mutation;
  /** The rule's findings, in order, by field path. */
  readonly fields: string[];
  /** `Kind ns/name` of the object reported; the baseline Deployment unless given. */
  readonly object?: string;
  readonly message?: RegExp;
}

interface GoodCase {
  readonly name: string;
  readonly mutate: Mutation;
}

interface RuleFixtures {
  readonly bad: BadCase[];
  readonly good: GoodCase[];
}

const FIXTURES: Record<string, RuleFixtures> = {
  // ---- Pod Security, baseline ----
  'pss.baseline.host-namespaces': {
    bad: [
      { name: 'hostNetwork: true', mutate: f => { podSpec(f).hostNetwork = true; }, fields: [`${D}.hostNetwork`] },
      { name: 'hostPID and hostIPC', mutate: f => { Object.assign(podSpec(f), { hostPID: true, hostIPC: true }); }, fields: [`${D}.hostPID`, `${D}.hostIPC`] },
      { name: 'hostPID in a CronJob', mutate: f => { addCronJob(f).hostPID = true; }, fields: [`${CJ}.hostPID`], object: CRONJOB },
    ],
    good: [
      { name: 'all three set false', mutate: f => { Object.assign(podSpec(f), { hostNetwork: false, hostPID: false, hostIPC: false }); } },
      { name: 'hostNetwork in a privileged namespace', mutate: both(setLevel('privileged'), f => { podSpec(f).hostNetwork = true; }) },
    ],
  },
  'pss.baseline.privileged': {
    bad: [
      { name: 'privileged container', mutate: f => { apiSc(f).privileged = true; }, fields: [`${C0}.securityContext.privileged`] },
      { name: 'privileged container in a Pod', mutate: f => { addPod(f).containers[0].securityContext.privileged = true; },
        fields: ['spec.containers[0].securityContext.privileged'], object: POD },
    ],
    good: [
      { name: 'privileged omitted', mutate: f => { delete apiSc(f).privileged; } },
      { name: 'privileged container in a privileged namespace', mutate: both(setLevel('privileged'), f => { apiSc(f).privileged = true; }) },
    ],
  },
  'pss.baseline.capabilities': {
    bad: [
      { name: 'SYS_ADMIN added', mutate: f => { apiSc(f).capabilities.add = ['SYS_ADMIN']; }, fields: [`${C0}.securityContext.capabilities.add[0]`] },
      { name: 'NET_RAW added after NET_BIND_SERVICE, in a baseline namespace', mutate: both(setLevel('baseline'), f => { apiSc(f).capabilities.add = ['NET_BIND_SERVICE', 'NET_RAW']; }),
        fields: [`${C0}.securityContext.capabilities.add[1]`] },
      { name: 'SYS_PTRACE added to an ephemeral debug container', mutate: f => { addEphemeral(f).securityContext.capabilities.add = ['SYS_PTRACE']; },
        fields: ['spec.ephemeralContainers[0].securityContext.capabilities.add[0]'], object: POD },
    ],
    good: [
      { name: 'CHOWN in a baseline namespace', mutate: both(setLevel('baseline'), f => { apiSc(f).capabilities.add = ['CHOWN']; }) },
      { name: 'SYS_ADMIN in a privileged namespace', mutate: both(setLevel('privileged'), f => { apiSc(f).capabilities.add = ['SYS_ADMIN']; }) },
    ],
  },
  'pss.baseline.host-path': {
    bad: [
      { name: 'hostPath volume', mutate: f => { podSpec(f).volumes.push({ name: 'node', hostPath: { path: '/var/run' } }); }, fields: [`${D}.volumes[1].hostPath`] },
    ],
    good: [
      { name: 'hostPath in a privileged namespace', mutate: both(setLevel('privileged'), f => { podSpec(f).volumes.push({ name: 'node', hostPath: { path: '/var/run' } }); }) },
      { name: 'emptyDir volume', mutate: f => { podSpec(f).volumes.push({ name: 'cache', emptyDir: {} }); } },
    ],
  },
  'pss.baseline.host-ports': {
    bad: [
      { name: 'hostPort', mutate: f => { api(f).ports[0].hostPort = 8080; }, fields: [`${C0}.ports[0].hostPort`] },
    ],
    good: [
      { name: 'hostPort 0 (unset)', mutate: f => { api(f).ports[0].hostPort = 0; } },
      { name: 'hostPort in a privileged namespace', mutate: both(setLevel('privileged'), f => { api(f).ports[0].hostPort = 8080; }) },
    ],
  },
  'pss.baseline.apparmor': {
    bad: [
      { name: 'unconfined AppArmor annotation on the pod template', mutate: f => { f.deployment.spec.template.metadata.annotations = { [APPARMOR]: 'unconfined' }; },
        fields: [`spec.template.metadata.annotations.${APPARMOR}`] },
      { name: 'appArmorProfile Unconfined on a container', mutate: f => { apiSc(f).appArmorProfile = { type: 'Unconfined' }; },
        fields: [`${C0}.securityContext.appArmorProfile.type`] },
      { name: 'unconfined AppArmor annotation on a Pod', mutate: f => { addPod(f); f.extra[0].metadata.annotations = { [APPARMOR]: 'unconfined' }; },
        fields: [`metadata.annotations.${APPARMOR}`], object: POD },
    ],
    good: [
      { name: 'runtime/default and localhost/* annotations', mutate: f => {
        f.deployment.spec.template.metadata.annotations = { [APPARMOR]: 'localhost/acme-api', 'container.apparmor.security.beta.kubernetes.io/x': 'runtime/default' };
      } },
      { name: 'appArmorProfile RuntimeDefault', mutate: f => { podSc(f).appArmorProfile = { type: 'RuntimeDefault' }; } },
    ],
  },
  'pss.baseline.selinux': {
    bad: [
      { name: 'spc_t type on the pod', mutate: f => { podSc(f).seLinuxOptions = { type: 'spc_t' }; }, fields: [`${D}.securityContext.seLinuxOptions.type`] },
      { name: 'custom user and role on a container', mutate: f => { apiSc(f).seLinuxOptions = { user: 'system_u', role: 'system_r' }; },
        fields: [`${C0}.securityContext.seLinuxOptions.user`, `${C0}.securityContext.seLinuxOptions.role`] },
    ],
    good: [
      { name: 'container_t type with an MCS level', mutate: f => { podSc(f).seLinuxOptions = { type: 'container_t', level: 's0:c123,c456' }; } },
    ],
  },
  'pss.baseline.proc-mount': {
    bad: [
      { name: 'procMount Unmasked', mutate: f => { apiSc(f).procMount = 'Unmasked'; }, fields: [`${C0}.securityContext.procMount`] },
    ],
    good: [
      { name: 'procMount Default', mutate: f => { apiSc(f).procMount = 'Default'; } },
    ],
  },
  'pss.baseline.seccomp': {
    bad: [
      { name: 'pod seccomp Unconfined', mutate: f => { podSc(f).seccompProfile = { type: 'Unconfined' }; }, fields: [`${D}.securityContext.seccompProfile.type`] },
      { name: 'container seccomp Unconfined in a baseline namespace', mutate: both(setLevel('baseline'), f => { apiSc(f).seccompProfile = { type: 'Unconfined' }; }),
        fields: [`${C0}.securityContext.seccompProfile.type`] },
    ],
    good: [
      { name: 'Localhost profile', mutate: f => { podSc(f).seccompProfile = { type: 'Localhost', localhostProfile: 'profiles/api.json' }; } },
      { name: 'no profile at all in a baseline namespace', mutate: both(setLevel('baseline'), f => { delete podSc(f).seccompProfile; }) },
    ],
  },
  'pss.baseline.sysctls': {
    bad: [
      { name: 'unsafe sysctl after a safe one', mutate: f => { podSc(f).sysctls = [{ name: 'net.ipv4.tcp_syncookies', value: '1' }, { name: 'kernel.msgmax', value: '65536' }]; },
        fields: [`${D}.securityContext.sysctls[1].name`] },
    ],
    good: [
      { name: 'safe sysctl', mutate: f => { podSc(f).sysctls = [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }]; } },
    ],
  },
  'pss.baseline.host-process': {
    bad: [
      { name: 'hostProcess on a container', mutate: f => { apiSc(f).windowsOptions = { hostProcess: true }; }, fields: [`${C0}.securityContext.windowsOptions.hostProcess`] },
      { name: 'hostProcess on the pod', mutate: f => { podSc(f).windowsOptions = { hostProcess: true }; }, fields: [`${D}.securityContext.windowsOptions.hostProcess`] },
    ],
    good: [
      { name: 'hostProcess false', mutate: f => { apiSc(f).windowsOptions = { hostProcess: false, gmsaCredentialSpecName: 'api' }; } },
    ],
  },
  'pss.baseline.host-probes': {
    bad: [
      { name: 'readinessProbe httpGet host', mutate: f => { api(f).readinessProbe.httpGet.host = '10.0.0.1'; }, fields: [`${C0}.readinessProbe.httpGet.host`] },
      { name: 'preStop tcpSocket host', mutate: f => { api(f).lifecycle = { preStop: { tcpSocket: { host: 'metadata.google.internal', port: 80 } } }; },
        fields: [`${C0}.lifecycle.preStop.tcpSocket.host`] },
    ],
    good: [
      { name: 'a Host header instead of a host', mutate: f => { api(f).readinessProbe.httpGet.httpHeaders = [{ name: 'Host', value: 'api.acme.com' }]; } },
    ],
  },

  // ---- Pod Security, restricted ----
  'pss.restricted.volume-types': {
    bad: [
      { name: 'nfs volume', mutate: f => { podSpec(f).volumes.push({ name: 'share', nfs: { server: 'nfs.acme.internal', path: '/share' } }); }, fields: [`${D}.volumes[1].nfs`] },
    ],
    good: [
      { name: 'configMap, projected and ephemeral volumes', mutate: f => {
        podSpec(f).volumes.push({ name: 'config', configMap: { name: 'api' } }, { name: 'token', projected: { sources: [] } },
          { name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } } });
      } },
      { name: 'nfs volume in a baseline namespace', mutate: both(setLevel('baseline'), f => { podSpec(f).volumes.push({ name: 'share', nfs: { server: 'nfs', path: '/' } }); }) },
    ],
  },
  'pss.restricted.privilege-escalation': {
    bad: [
      { name: 'allowPrivilegeEscalation omitted', mutate: f => { delete apiSc(f).allowPrivilegeEscalation; }, fields: [`${C0}.securityContext.allowPrivilegeEscalation`] },
      { name: 'allowPrivilegeEscalation true on an init container', mutate: f => { addInit(f).securityContext.allowPrivilegeEscalation = true; },
        fields: [`${D}.initContainers[0].securityContext.allowPrivilegeEscalation`] },
    ],
    good: [
      { name: 'allowPrivilegeEscalation omitted in a baseline namespace', mutate: both(setLevel('baseline'), f => { delete apiSc(f).allowPrivilegeEscalation; }) },
    ],
  },
  'pss.restricted.run-as-non-root': {
    bad: [
      { name: 'container overrides runAsNonRoot with false', mutate: f => { apiSc(f).runAsNonRoot = false; }, fields: [`${C0}.securityContext.runAsNonRoot`] },
      { name: 'runAsNonRoot nowhere', mutate: f => { delete podSc(f).runAsNonRoot; }, fields: [`${C0}.securityContext.runAsNonRoot`] },
      { name: 'pod says false although every container says true', mutate: f => { podSc(f).runAsNonRoot = false; apiSc(f).runAsNonRoot = true; },
        fields: [`${D}.securityContext.runAsNonRoot`] },
    ],
    good: [
      { name: 'runAsNonRoot on the container instead of the pod', mutate: f => { delete podSc(f).runAsNonRoot; apiSc(f).runAsNonRoot = true; } },
    ],
  },
  'pss.restricted.run-as-user': {
    bad: [
      { name: 'pod runAsUser 0', mutate: f => { podSc(f).runAsUser = 0; }, fields: [`${D}.securityContext.runAsUser`] },
      { name: 'container runAsUser 0', mutate: f => { apiSc(f).runAsUser = 0; }, fields: [`${C0}.securityContext.runAsUser`] },
    ],
    good: [
      { name: 'container runAsUser 1000', mutate: f => { apiSc(f).runAsUser = 1000; } },
      { name: 'runAsUser 0 in a baseline namespace', mutate: both(setLevel('baseline'), f => { podSc(f).runAsUser = 0; }) },
    ],
  },
  'pss.restricted.seccomp': {
    bad: [
      { name: 'no seccomp profile', mutate: f => { delete podSc(f).seccompProfile; }, fields: [`${C0}.securityContext.seccompProfile.type`] },
      { name: 'no seccomp profile in a CronJob', mutate: f => { delete addCronJob(f).securityContext.seccompProfile; },
        fields: [`${CJ}.containers[0].securityContext.seccompProfile.type`], object: CRONJOB },
    ],
    good: [
      { name: 'RuntimeDefault on the container only', mutate: f => { delete podSc(f).seccompProfile; apiSc(f).seccompProfile = { type: 'RuntimeDefault' }; } },
      { name: 'Localhost profile', mutate: f => { podSc(f).seccompProfile = { type: 'Localhost', localhostProfile: 'profiles/api.json' }; } },
    ],
  },
  'pss.restricted.capabilities': {
    bad: [
      { name: 'ALL not dropped', mutate: f => { apiSc(f).capabilities.drop = ['NET_RAW']; }, fields: [`${C0}.securityContext.capabilities.drop`] },
      { name: 'CHOWN added', mutate: f => { apiSc(f).capabilities.add = ['NET_BIND_SERVICE', 'CHOWN']; }, fields: [`${C0}.securityContext.capabilities.add[1]`] },
    ],
    good: [
      { name: 'NET_BIND_SERVICE added', mutate: f => { apiSc(f).capabilities.add = ['NET_BIND_SERVICE']; } },
      { name: 'nothing dropped in a baseline namespace', mutate: both(setLevel('baseline'), f => { delete apiSc(f).capabilities; }) },
    ],
  },

  // ---- hardening ----
  'hardening.read-only-root': {
    bad: [
      { name: 'readOnlyRootFilesystem false', mutate: f => { apiSc(f).readOnlyRootFilesystem = false; }, fields: [`${C0}.securityContext.readOnlyRootFilesystem`] },
      { name: 'readOnlyRootFilesystem omitted on an init container', mutate: f => { delete addInit(f).securityContext.readOnlyRootFilesystem; },
        fields: [`${D}.initContainers[0].securityContext.readOnlyRootFilesystem`] },
    ],
    good: [
      { name: 'writable root with an exception annotation', mutate: f => {
        apiSc(f).readOnlyRootFilesystem = false;
        f.deployment.spec.template.metadata.annotations = { 'guardrails.cdk8s.io/exception.writable-root-filesystem': 'the vendor binary writes its pid file to /' };
      } },
    ],
  },
  'hardening.token-automount': {
    bad: [
      { name: 'pod mounts the token', mutate: f => { podSpec(f).automountServiceAccountToken = true; }, fields: [`${D}.automountServiceAccountToken`] },
      { name: 'neither pod nor ServiceAccount opts out', mutate: f => { delete podSpec(f).automountServiceAccountToken; delete f.serviceAccount.automountServiceAccountToken; },
        fields: [`${D}.automountServiceAccountToken`] },
    ],
    good: [
      { name: 'pod unset, its ServiceAccount opts out', mutate: f => { delete podSpec(f).automountServiceAccountToken; } },
    ],
  },
  'hardening.resources': {
    bad: [
      { name: 'no cpu request', mutate: f => { delete api(f).resources.requests.cpu; }, fields: [`${C0}.resources.requests.cpu`] },
      { name: 'no resources on an init container', mutate: f => { delete addInit(f).resources; },
        fields: [`${D}.initContainers[0].resources.requests.cpu`, `${D}.initContainers[0].resources.requests.memory`, `${D}.initContainers[0].resources.limits.memory`] },
    ],
    good: [
      { name: 'an ephemeral container (which cannot have resources)', mutate: f => { addEphemeral(f); } },
      { name: 'no cpu limit', mutate: f => { api(f).resources = { requests: { cpu: '2', memory: '1Gi' }, limits: { memory: '1Gi' } }; } },
    ],
  },
  'hardening.probes': {
    bad: [
      { name: 'no probe on a Deployment', mutate: f => { delete api(f).readinessProbe; }, fields: [`${C0}.readinessProbe`] },
    ],
    good: [
      { name: 'a livenessProbe only', mutate: f => { api(f).livenessProbe = api(f).readinessProbe; delete api(f).readinessProbe; } },
      { name: 'a CronJob without probes', mutate: f => { addCronJob(f); } },
    ],
  },
  'image.digest-pinned': {
    bad: [
      { name: 'tag only', mutate: f => { api(f).image = 'ghcr.io/acme/api:1.0.0'; }, fields: [`${C0}.image`] },
      { name: 'upper-case digest', mutate: f => { api(f).image = `ghcr.io/acme/api:1.0.0@sha256:${'0123456789ABCDEF'.repeat(4)}`; },
        fields: [`${C0}.image`] },
      { name: 'ephemeral container by tag', mutate: f => { addEphemeral(f).image = 'busybox:1.36'; }, fields: ['spec.ephemeralContainers[0].image'], object: POD },
    ],
    good: [
      { name: 'digest without a tag', mutate: f => { api(f).image = `ghcr.io/acme/api@${DIGEST}`; } },
      { name: 'registry with a port', mutate: f => { api(f).image = `registry.acme.internal:5000/shop/api:1.0.0@${DIGEST}`; } },
    ],
  },
  'namespace.pod-security-labels': {
    bad: [
      { name: 'enforce-version missing', mutate: f => { delete f.namespace.metadata.labels['pod-security.kubernetes.io/enforce-version']; },
        fields: ['metadata.labels'], object: `Namespace ${NS}` },
      { name: 'unknown level', mutate: setLevel('strict'), fields: ['metadata.labels'], object: `Namespace ${NS}` },
      { name: 'Namespace not defined', mutate: f => { delete (f as Partial<Fixture>).namespace; }, fields: ['metadata.namespace'], message: /not defined/ },
    ],
    good: [
      { name: 'baseline enforced with a version', mutate: setLevel('baseline') },
    ],
  },

  // ---- network ----
  'network.default-deny': {
    bad: [
      { name: 'only Ingress denied', mutate: f => { f.denyAll.spec.policyTypes = ['Ingress']; }, fields: ['metadata.namespace'], message: /no default deny for Egress/ },
      { name: 'the deny policy selects only some pods', mutate: f => { f.denyAll.spec.podSelector = { matchLabels: { app: 'api' } }; },
        fields: ['metadata.namespace', 'metadata.namespace'] },
      { name: 'the deny policy has an ingress rule', mutate: f => { f.denyAll.spec.ingress = [{ from: [{ podSelector: {} }] }]; },
        fields: ['metadata.namespace'], message: /for Ingress/ },
    ],
    good: [
      { name: 'split into a deny-ingress and a deny-egress policy', mutate: f => {
        f.denyAll.spec.policyTypes = ['Ingress'];
        f.extra.push({ ...structuredClone(f.denyAll), metadata: { name: 'deny-egress', namespace: NS }, spec: { podSelector: { matchLabels: {} }, policyTypes: ['Egress'], egress: [] } });
      } },
    ],
  },
  'network.allow-all': {
    bad: [
      { name: 'ingress from every namespace', mutate: f => { f.extra.push(policy('allow-in', { policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: {} }] }] })); },
        fields: ['spec.ingress[0].from[0]'], object: `NetworkPolicy ${NS}/allow-in` },
      { name: 'ingress rule without peers', mutate: f => { f.extra.push(policy('allow-in', { policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 8080 }] }] })); },
        fields: ['spec.ingress[0].from'], object: `NetworkPolicy ${NS}/allow-in` },
      { name: 'egress to 0.0.0.0/0', mutate: f => {
        f.extra.push(policy('allow-out', { policyTypes: ['Egress'], egress: [{ to: [{ podSelector: {} }, { ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443 }] }] }));
      }, fields: ['spec.egress[0].to[1]'], object: `NetworkPolicy ${NS}/allow-out` },
    ],
    good: [
      { name: 'ingress from a named namespace', mutate: f => {
        f.extra.push(policy('allow-in', { policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }] }] }));
      } },
      { name: 'egress to the internet with an exception annotation', mutate: f => {
        f.extra.push(policy('allow-out', { policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] },
          { 'guardrails.cdk8s.io/exception.internet': 'calls the payment provider whose IPs change' }));
      } },
      { name: 'egress to 0.0.0.0/0 except private ranges', mutate: f => {
        f.extra.push(policy('allow-out', { policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] }] }));
      } },
    ],
  },

  // ---- RBAC ----
  'rbac.wildcard': {
    bad: [
      { name: 'verbs *', mutate: f => { f.role.rules[0].verbs = ['*']; }, fields: ['rules[0].verbs'], object: `Role ${NS}/api` },
      { name: 'apiGroups and resources * in an unbound ClusterRole', mutate: f => {
        f.extra.push(rbac('ClusterRole', 'everything', undefined, { rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['get'] }] }));
      }, fields: ['rules[0].apiGroups', 'rules[0].resources'], object: 'ClusterRole everything' },
    ],
    good: [
      { name: 'explicit resources with a subresource', mutate: f => {
        f.role.rules.push({ apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'], verbs: ['get', 'patch'] });
      } },
    ],
  },
  'rbac.escalation': {
    bad: [
      { name: 'bind and escalate on roles', mutate: f => {
        f.role.rules.push({ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['get', 'bind', 'escalate'] });
      }, fields: ['rules[1].verbs[1]', 'rules[1].verbs[2]'], object: `Role ${NS}/api` },
      { name: 'impersonate', mutate: f => {
        f.extra.push(rbac('ClusterRole', 'impersonator', undefined, { rules: [{ apiGroups: [''], resources: ['users'], verbs: ['impersonate'] }] }));
      }, fields: ['rules[0].verbs[0]'], object: 'ClusterRole impersonator' },
    ],
    good: [
      { name: 'reading roles and bindings', mutate: f => {
        f.role.rules.push({ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: ['get', 'list', 'watch'] });
      } },
    ],
  },
  'rbac.cluster-binding': {
    bad: [
      { name: 'ClusterRoleBinding to an app service account', mutate: f => {
        f.extra.push(rbac('ClusterRoleBinding', 'api-view', undefined, { roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'Group', name: 'sre' }, apiSubject] }));
      }, fields: ['subjects[1]'], object: 'ClusterRoleBinding api-view' },
      { name: 'the service account named as a User, and its namespace as a Group', mutate: f => {
        f.extra.push(rbac('ClusterRoleBinding', 'api-view', undefined, { roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [
          { kind: 'User', name: `system:serviceaccount:${NS}:api` }, { kind: 'Group', name: `system:serviceaccounts:${NS}` }, { kind: 'User', name: 'alice' },
        ] }));
      }, fields: ['subjects[0]', 'subjects[1]'], object: 'ClusterRoleBinding api-view' },
    ],
    good: [
      { name: 'ClusterRoleBinding to a kube-system service account', mutate: f => {
        f.extra.push(rbac('ClusterRoleBinding', 'metrics', undefined, {
          roleRef: { kind: 'ClusterRole', name: 'system:metrics-server' }, subjects: [{ kind: 'ServiceAccount', name: 'metrics-server', namespace: 'kube-system' }],
        }));
      } },
      { name: 'RoleBinding of a ClusterRole in the own namespace', mutate: f => { f.roleBinding.roleRef = { kind: 'ClusterRole', name: 'view' }; } },
    ],
  },
  'rbac.cross-namespace': {
    bad: [
      { name: 'service account of another namespace', mutate: f => { f.roleBinding.subjects.push({ kind: 'ServiceAccount', name: 'ci', namespace: 'shop-staging' }); },
        fields: ['subjects[1]'], object: `RoleBinding ${NS}/api` },
      { name: 'service account of another namespace named as a User, and all service accounts as a Group', mutate: f => {
        f.roleBinding.subjects.push({ kind: 'User', name: 'system:serviceaccount:shop-staging:ci' }, { kind: 'Group', name: 'system:serviceaccounts' });
      }, fields: ['subjects[1]', 'subjects[2]'], object: `RoleBinding ${NS}/api` },
    ],
    good: [
      { name: 'service account without a namespace (the binding\'s own)', mutate: f => { f.roleBinding.subjects.push({ kind: 'ServiceAccount', name: 'worker' }); } },
    ],
  },
  'rbac.secrets-elsewhere': {
    bad: [
      { name: 'RoleBinding in another namespace grants Secrets', mutate: f => {
        f.extra.push(secretReader, rbac('RoleBinding', 'read-payments', 'payments', { roleRef: { kind: 'ClusterRole', name: 'secret-reader' }, subjects: [apiSubject] }));
      }, fields: ['subjects'], object: 'RoleBinding payments/read-payments', message: /can read Secrets in payments/ },
    ],
    good: [
      { name: 'the same ClusterRole bound in the own namespace', mutate: f => {
        f.extra.push(secretReader, rbac('RoleBinding', 'read-own', NS, { roleRef: { kind: 'ClusterRole', name: 'secret-reader' }, subjects: [apiSubject] }));
      } },
    ],
  },
  'rbac.cluster-scoped-create': {
    bad: [
      { name: 'ClusterRoleBinding grants creating namespaces', mutate: f => {
        f.extra.push(namespaceCreator, rbac('ClusterRoleBinding', 'api-namespaces', undefined, { roleRef: { kind: 'ClusterRole', name: 'namespace-creator' }, subjects: [apiSubject] }));
      }, fields: ['subjects'], object: 'ClusterRoleBinding api-namespaces', message: /can create namespaces/ },
      { name: 'granted through the group of the namespace\'s service accounts', mutate: f => {
        f.extra.push(namespaceCreator, rbac('ClusterRoleBinding', 'ns-namespaces', undefined, {
          roleRef: { kind: 'ClusterRole', name: 'namespace-creator' }, subjects: [{ kind: 'Group', name: `system:serviceaccounts:${NS}` }],
        }));
      }, fields: ['subjects'], object: 'ClusterRoleBinding ns-namespaces' },
    ],
    good: [
      { name: 'a RoleBinding of the same ClusterRole (cannot grant cluster-scoped objects)', mutate: f => {
        f.extra.push(namespaceCreator, rbac('RoleBinding', 'api-namespaces', NS, { roleRef: { kind: 'ClusterRole', name: 'namespace-creator' }, subjects: [apiSubject] }));
      } },
    ],
  },

  // ---- Argo CD ----
  'argocd.source-repos': {
    bad: [
      { name: '*', mutate: f => { f.project.spec.sourceRepos.push('*'); }, fields: ['spec.sourceRepos[1]'], object: 'AppProject argocd/shop' },
      { name: 'glob in the owner', mutate: f => { f.project.spec.sourceRepos = ['https://github.com/*/shop']; }, fields: ['spec.sourceRepos[0]'], object: 'AppProject argocd/shop' },
      { name: 'plain http', mutate: f => { f.project.spec.sourceRepos = ['http://github.com/acme/shop']; }, fields: ['spec.sourceRepos[0]'], object: 'AppProject argocd/shop' },
    ],
    good: [
      { name: 'glob after a literal host and owner', mutate: f => { f.project.spec.sourceRepos = ['https://github.com/acme/*']; } },
      { name: 'scp-style ssh URL', mutate: f => { f.project.spec.sourceRepos.push('git@github.com:acme/platform.git'); } },
    ],
  },
  'argocd.destinations': {
    bad: [
      { name: 'namespace pattern', mutate: f => { f.project.spec.destinations[0].namespace = 'shop-*'; }, fields: ['spec.destinations[0].namespace'], object: 'AppProject argocd/shop' },
      { name: 'server *', mutate: f => { f.project.spec.destinations.push({ server: '*', namespace: NS }); }, fields: ['spec.destinations[1].server'], object: 'AppProject argocd/shop' },
    ],
    good: [
      { name: 'a destination by cluster name', mutate: f => {
        f.project.spec.destinations = [{ name: 'in-cluster', namespace: NS }];
        f.application.spec.destination = { name: 'in-cluster', namespace: NS };
      } },
    ],
  },
  'argocd.cluster-resources': {
    bad: [
      { name: 'Namespaces allowed', mutate: f => { f.project.spec.clusterResourceWhitelist = [{ group: '', kind: 'Namespace' }]; },
        fields: ['spec.clusterResourceWhitelist'], object: 'AppProject argocd/shop' },
    ],
    good: [
      { name: 'whitelist omitted, namespaced kinds listed', mutate: f => {
        delete f.project.spec.clusterResourceWhitelist;
        f.project.spec.namespaceResourceWhitelist = [{ group: 'apps', kind: 'Deployment' }];
      } },
    ],
  },
  'argocd.default-project': {
    bad: [
      { name: 'project default', mutate: f => { f.application.spec.project = 'default'; }, fields: ['spec.project'], object: 'Application argocd/shop-api' },
      { name: 'project omitted', mutate: f => { delete f.application.spec.project; }, fields: ['spec.project'], object: 'Application argocd/shop-api' },
    ],
    good: [
      { name: 'a project whose name contains default', mutate: f => { f.project.metadata.name = 'shop-default'; f.application.spec.project = 'shop-default'; } },
    ],
  },
  'argocd.application-destination': {
    bad: [
      { name: 'namespace not in the project', mutate: f => { f.application.spec.destination.namespace = 'kube-system'; },
        fields: ['spec.destination'], object: 'Application argocd/shop-api', message: /kube-system/ },
      { name: 'cluster not in the project', mutate: f => { f.application.spec.destination.server = 'https://prod.acme.internal:6443'; },
        fields: ['spec.destination'], object: 'Application argocd/shop-api' },
    ],
    good: [
      { name: 'the second of the project\'s destinations', mutate: f => {
        f.project.spec.destinations.push({ server: IN_CLUSTER, namespace: 'shop-jobs' });
        f.application.spec.destination.namespace = 'shop-jobs';
      } },
    ],
  },

  // ---- Secrets and env ----
  'secret.data-in-git': {
    bad: [
      { name: 'data', mutate: f => { f.extra.push(secret({ data: { password: 'aHVudGVyMg==' } })); }, fields: ['data'], object: `Secret ${NS}/db` },
      { name: 'stringData', mutate: f => { f.extra.push(secret({ stringData: { password: 'hunter2' } })); }, fields: ['stringData'], object: `Secret ${NS}/db` },
    ],
    good: [
      { name: 'a Secret without data', mutate: f => { f.extra.push(secret({})); } },
      { name: 'a Secret with empty data', mutate: f => { f.extra.push(secret({ data: {}, stringData: {} })); } },
    ],
  },
  'env.literal-credential': {
    bad: [
      { name: 'DB_PASSWORD literal', mutate: f => { api(f).env = [{ name: 'LOG_LEVEL', value: 'info' }, { name: 'DB_PASSWORD', value: 'hunter2' }]; },
        fields: [`${C0}.env[1].value`] },
      { name: 'api_key literal in an ephemeral container', mutate: f => { addEphemeral(f).env = [{ name: 'stripe_api_key', value: 'sk_live_x' }]; },
        fields: ['spec.ephemeralContainers[0].env[0].value'], object: POD },
    ],
    good: [
      { name: 'DB_PASSWORD from a secretKeyRef', mutate: f => { api(f).env = [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }]; } },
      { name: 'a name that only contains a credential word', mutate: f => { api(f).env = [{ name: 'PASSWORDLESS_LOGIN', value: 'true' }, { name: 'TOKENIZER', value: 'bpe' }]; } },
      { name: 'an empty literal', mutate: f => { api(f).env = [{ name: 'DB_PASSWORD', value: '' }]; } },
    ],
  },

  // ---- waivers ----
  'waiver.valid': {
    bad: [
      { name: 'a reason shorter than 10 characters', mutate: f => { f.deployment.metadata.annotations = { [`${WAIVE}hardening.probes`]: ' legacy   ' }; },
        fields: [`metadata.annotations.${WAIVE}hardening.probes`], message: /10 characters/ },
      { name: 'an unknown rule id', mutate: f => { f.deployment.metadata.annotations = { [`${WAIVE}image.pinned`]: 'vendor image mirrored by digest' }; },
        fields: [`metadata.annotations.${WAIVE}image.pinned`], message: /no rule has the id image\.pinned/ },
      { name: 'waiving waiver.valid itself', mutate: f => { f.project.metadata.annotations = { [`${WAIVE}waiver.valid`]: 'we know what we are doing' }; },
        fields: [`metadata.annotations.${WAIVE}waiver.valid`], object: 'AppProject argocd/shop' },
    ],
    good: [
      { name: 'a reason of exactly 10 characters', mutate: f => { f.deployment.metadata.annotations = { [`${WAIVE}hardening.probes`]: 'batch-like' }; } },
      { name: 'an unrelated annotation with the same prefix word', mutate: f => { f.deployment.metadata.annotations = { 'guardrails.cdk8s.io/owner': 'team-shop' }; } },
    ],
  },
};

const severityOf = (id: string) => RULES.find(r => r.id === id)!.severity;

test('the baseline breaks no rule', () => {
  const result = check();
  expect(result.findings).toEqual([]);
});

test('a hardened Pod with an ephemeral container, a CronJob and an init container beside the baseline break no rule', () => {
  const result = check(f => { addEphemeral(f); addCronJob(f); addInit(f); });
  expect(result.findings).toEqual([]);
});

test('every rule in the catalogue has bad and good fixtures, and no fixture names a rule that does not exist', () => {
  expect(Object.keys(FIXTURES).sort()).toEqual(RULES.map(r => r.id).sort());
  for (const [id, { bad, good }] of Object.entries(FIXTURES)) {
    expect([id, bad.length > 0, good.length > 0]).toEqual([id, true, true]);
  }
});

describe.each(Object.entries(FIXTURES))('%s', (id, { bad, good }) => {
  const bucket = severityOf(id) === 'warning' ? 'warnings' : 'failures';

  test.each(bad.map(c => [c.name, c] as const))(`reports %s in ${bucket}`, (_, c) => {
    const result = check(c.mutate);
    const found = result.findings.filter(f => f.rule === id);
    expect(found.map(f => f.field)).toEqual(c.fields);
    for (const f of found) {
      expect(f.object).toBe(c.object ?? DEPLOYMENT);
      expect(f.waiver).toBeUndefined();
      expect(result[bucket]).toContain(f);
      if (c.message) expect(f.message).toMatch(c.message);
    }
  });

  test.each(good.map(c => [c.name, c] as const))('passes %s', (_, c) => {
    expect(check(c.mutate).findings.filter(f => f.rule === id)).toEqual([]);
  });
});

describe('Pod Security level', () => {
  const rootPod: Mutation = f => { podSc(f).runAsUser = 0; delete apiSc(f).allowPrivilegeEscalation; };
  const pss = (r: GateResult) => r.findings.filter(f => f.rule.startsWith('pss.'));

  test('comes from the namespace label: the same pod fails in a restricted namespace and passes in a baseline one', () => {
    expect(pss(check(rootPod)).map(f => [f.rule, f.field])).toEqual([
      ['pss.restricted.privilege-escalation', `${C0}.securityContext.allowPrivilegeEscalation`],
      ['pss.restricted.run-as-user', `${D}.securityContext.runAsUser`],
    ]);
    expect(pss(check(both(setLevel('baseline'), rootPod)))).toEqual([]);
  });

  test('is restricted for a namespace that is not defined', () => {
    const result = check(both(rootPod, f => { f.deployment.metadata.namespace = 'shop-unknown'; }));
    const found = pss(result);
    expect(found.map(f => [f.rule, f.object])).toEqual([
      ['pss.restricted.privilege-escalation', 'Deployment shop-unknown/api'],
      ['pss.restricted.run-as-user', 'Deployment shop-unknown/api'],
    ]);
    for (const f of found) expect(f.message).toContain('namespace shop-unknown enforces restricted');
  });

  test('is restricted for a namespace whose enforce label names no level', () => {
    expect(pss(check(both(setLevel('strict'), rootPod))).map(f => f.rule))
      .toEqual(['pss.restricted.privilege-escalation', 'pss.restricted.run-as-user']);
  });
});

describe('waivers', () => {
  const tagged: Mutation = f => { api(f).image = 'ghcr.io/acme/api:1.0.0'; };
  const waive = (rule: string, reason: string): Mutation => f => { f.deployment.metadata.annotations = { [`${WAIVE}${rule}`]: reason }; };

  test('a valid waiver moves the finding to waived with its reason, out of failures', () => {
    const result = check(both(tagged, waive('image.digest-pinned', '  vendor image, mirrored by digest in Harbor ')));
    expect(result.waived.map(f => [f.rule, f.field, f.waiver])).toEqual([
      ['image.digest-pinned', `${C0}.image`, 'vendor image, mirrored by digest in Harbor'],
    ]);
    expect(result.failures).toEqual([]);
    expect(result.findings).toEqual(result.waived);
  });

  test('a valid waiver of a warning moves it out of warnings', () => {
    const result = check(both(f => { delete api(f).readinessProbe; }, waive('hardening.probes', 'a queue consumer with no port')));
    expect(result.warnings).toEqual([]);
    expect(result.waived.map(f => f.rule)).toEqual(['hardening.probes']);
  });

  test('a waiver with a short reason excuses nothing and is itself reported by waiver.valid', () => {
    const result = check(both(tagged, waive('image.digest-pinned', 'vendor')));
    expect(result.waived).toEqual([]);
    expect(result.failures.map(f => [f.rule, f.field])).toEqual([
      ['image.digest-pinned', `${C0}.image`],
      ['waiver.valid', `metadata.annotations.${WAIVE}image.digest-pinned`],
    ]);
  });

  test('a waiver naming an unknown rule id excuses nothing and is reported by waiver.valid', () => {
    const result = check(both(tagged, waive('image.digest', 'vendor image, mirrored by digest in Harbor')));
    expect(result.waived).toEqual([]);
    expect(result.failures.map(f => [f.rule, f.field])).toEqual([
      ['image.digest-pinned', `${C0}.image`],
      ['waiver.valid', `metadata.annotations.${WAIVE}image.digest`],
    ]);
    expect(result.failures[1].message).toMatch(/no rule has the id image\.digest/);
  });

  test('a waiver excuses only the rule it names', () => {
    const result = check(both(tagged, f => { apiSc(f).privileged = true; }, waive('image.digest-pinned', 'vendor image, mirrored by digest in Harbor')));
    expect(result.failures.map(f => f.rule)).toEqual(['pss.baseline.privileged']);
    expect(result.waived.map(f => f.rule)).toEqual(['image.digest-pinned']);
  });
});
