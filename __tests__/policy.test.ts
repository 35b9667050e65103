import { canI, parsePinnedImage, podSecurityFindings, podTemplateOf } from '../constructs';
import { apps } from '../apps';
import { loadDist } from './dist-files';

// Explicit checks of the security properties of the committed dist/, independent of snapshots:
// each one fails on its own when a regression reaches the output.

const files = loadDist();
const all = files.flatMap(f => f.objects);
const workloads = all.filter(o => podTemplateOf(o));
const containersOf = (o: any) => {
  const spec = podTemplateOf(o)!.spec;
  return [...(spec.initContainers ?? []), ...spec.containers];
};
const tenantNamespaces = all.filter(o => o.kind === 'Namespace').map(o => o.metadata.name as string);
const enforced = (ns: string) => all.find(o => o.kind === 'Namespace' && o.metadata.name === ns)?.metadata.labels['pod-security.kubernetes.io/enforce'];
/** Workloads of namespaces that enforce restricted; the others are judged by their reasons (see below). */
const restricted = workloads.filter(w => enforced(w.metadata.namespace) === 'restricted');
const deployers = all.filter(o => o.kind === 'ServiceAccount' && o.metadata.name === 'deployer')
  .map(o => `system:serviceaccount:${o.metadata.namespace}:${o.metadata.name}`);

test('dist holds workloads, namespaces and deployers to judge', () => {
  expect(workloads.length).toBeGreaterThanOrEqual(10);
  expect(tenantNamespaces.length).toBeGreaterThanOrEqual(7);
  expect(deployers).toHaveLength(tenantNamespaces.length);
});

describe('every pod template', () => {
  test('only the NPU and kernel-settings examples run above restricted', () => {
    expect([...new Set(workloads.map(w => w.metadata.namespace).filter(ns => enforced(ns) !== 'restricted'))].sort())
      .toEqual(['kernel-settings', 'rkllama']);
  });

  test.each(restricted.map(w => [`${w.metadata.namespace}/${w.metadata.name}`, w]))('%s passes the Pod Security level its namespace enforces, which is restricted', (_, w) => {
    expect(podSecurityFindings(podTemplateOf(w)!.spec, 'restricted')).toEqual([]);
  });

  // The exception each broken restricted control is written under (pod-security.reasoned).
  const exceptionOf = (control: string, pod: any) => ({
    'run-as-non-root': 'run-as-root', 'run-as-user': 'run-as-root',
    'volume-types': (pod.volumes ?? []).some((v: any) => v.hostPath) ? 'pod-security.host-path' : 'pod-security.volume-types',
  } as Record<string, string>)[control] ?? `pod-security.${control}`;
  test.each(workloads.filter(w => !restricted.includes(w)).map(w => [`${w.metadata.namespace}/${w.metadata.name}`, w]))('%s, above restricted, passes its namespace\'s level and gives a reason for each restricted control it breaks', (_, w) => {
    const ns = all.find(o => o.kind === 'Namespace' && o.metadata.name === w.metadata.namespace)!;
    expect(ns.metadata.annotations['guardrails.cdk8s.io/exception.pod-security-level']).toMatch(/\S.{9,}/);
    const template = podTemplateOf(w)!;
    expect(podSecurityFindings(template.spec, enforced(w.metadata.namespace))).toEqual([]);
    const broken = podSecurityFindings(template.spec, 'restricted');
    expect(broken.length).toBeGreaterThan(0);
    for (const f of broken) {
      expect(template.metadata.annotations[`guardrails.cdk8s.io/exception.${exceptionOf(f.control, template.spec)}`]).toMatch(/\S.{9,}/);
    }
  });

  test('drops ALL capabilities and adds none but NET_BIND_SERVICE, and only with a reason', () => {
    for (const w of workloads) {
      for (const c of containersOf(w)) {
        expect(c.securityContext.capabilities.drop).toEqual(['ALL']);
        for (const cap of c.securityContext.capabilities.add ?? []) {
          expect(cap).toBe('NET_BIND_SERVICE');
          expect(w.metadata.annotations[`guardrails.cdk8s.io/exception.capability.${cap}`]).toMatch(/\S.{9,}/);
        }
      }
    }
  });

  test('runs as a non-zero user without privilege escalation, with a read-only root and RuntimeDefault seccomp', () => {
    for (const w of restricted) {
      const pod = podTemplateOf(w)!.spec;
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.securityContext.runAsGroup).toBeGreaterThan(0);
      expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
      for (const c of containersOf(w)) {
        expect(c.securityContext).toMatchObject({
          allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true,
        });
      }
    }
  });

  test('shares no host namespace, port or path and mounts no service account token', () => {
    for (const w of workloads) {
      const pod = podTemplateOf(w)!.spec;
      expect([pod.hostNetwork, pod.hostPID, pod.hostIPC]).toEqual([false, false, false]);
      expect(pod.automountServiceAccountToken).toBe(false);
      if (restricted.includes(w)) expect((pod.volumes ?? []).filter((v: any) => v.hostPath)).toEqual([]);
      for (const v of pod.volumes ?? []) if (v.emptyDir) expect(v.emptyDir.sizeLimit).toBeDefined();
      for (const c of containersOf(w)) expect((c.ports ?? []).filter((p: any) => p.hostPort)).toEqual([]);
      const sa = all.find(o => o.kind === 'ServiceAccount' && o.metadata.namespace === w.metadata.namespace && o.metadata.name === pod.serviceAccountName);
      expect(sa?.automountServiceAccountToken).toBe(false);
    }
  });

  test('pins every image by digest', () => {
    for (const w of workloads) {
      for (const c of containersOf(w)) expect(parsePinnedImage(c.image)).toBeDefined();
    }
  });

  test('sets CPU and memory requests and a memory limit', () => {
    for (const w of workloads) {
      for (const c of containersOf(w)) {
        expect(c.resources.requests.cpu).toBeDefined();
        expect(c.resources.requests.memory).toBeDefined();
        expect(c.resources.limits.memory).toBeDefined();
      }
    }
  });

  test('takes every credential-looking variable from a Secret, never a literal', () => {
    for (const w of workloads) {
      for (const c of containersOf(w)) {
        for (const e of c.env ?? []) {
          if (/PASSWORD|SECRET|TOKEN|API_?KEY|DATABASE_URL|APP_KEY/.test(e.name)) {
            expect(e.value).toBeUndefined();
            expect(e.valueFrom.secretKeyRef).toBeDefined();
          }
        }
      }
    }
  });
});

describe('network', () => {
  test('every workload namespace denies all ingress and egress by default', () => {
    for (const ns of new Set(workloads.map(w => w.metadata.namespace))) {
      const deny = all.find(o => o.kind === 'NetworkPolicy' && o.metadata.namespace === ns && o.metadata.name === 'default-deny-all');
      expect(deny?.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    }
  });

  test('only DNS is open to every pod, and only towards kube-dns', () => {
    const policies = all.filter(o => o.kind === 'NetworkPolicy' && o.metadata.name !== 'default-deny-all');
    for (const p of policies) {
      const rules = [...(p.spec.ingress ?? []), ...(p.spec.egress ?? [])];
      for (const r of rules) {
        expect((r.ports ?? []).length).toBeGreaterThan(0);
        expect((r.from ?? r.to ?? []).length).toBeGreaterThan(0);
      }
      if (Object.keys(p.spec.podSelector).length === 0) {
        expect(p.metadata.name).toBe('allow-egress-dns');
        expect(p.spec.egress[0].to).toEqual([{
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        }]);
      }
    }
  });

  test('no rule reaches the whole internet without its reason', () => {
    const policies = all.filter(o => o.kind === 'NetworkPolicy');
    const cidrsOf = (p: any) => [...(p.spec.ingress ?? []).flatMap((r: any) => r.from), ...(p.spec.egress ?? []).flatMap((r: any) => r.to)]
      .map((peer: any) => peer.ipBlock?.cidr).filter(Boolean);
    expect(policies.flatMap(cidrsOf).length).toBeGreaterThan(0);
    for (const p of policies) {
      if (cidrsOf(p).some((cidr: string) => /\/0$/.test(cidr))) {
        expect(p.metadata.namespace).toBe('honeydue');
        expect(p.metadata.annotations['guardrails.cdk8s.io/exception.internet']).toMatch(/\S.{9,}/);
      }
    }
  });
});

describe('deployers', () => {
  const clusterScoped: [string, string][] = [
    ['', 'namespaces'], ['', 'nodes'], ['', 'persistentvolumes'], ['rbac.authorization.k8s.io', 'clusterroles'],
    ['rbac.authorization.k8s.io', 'clusterrolebindings'], ['apiextensions.k8s.io', 'customresourcedefinitions'],
    ['admissionregistration.k8s.io', 'validatingwebhookconfigurations'],
  ];
  test.each(deployers)('%s can deploy its own namespace and nothing beyond it', subject => {
    const own = subject.split(':')[2];
    // A chart-only namespace (Headlamp) has no workload file objects: its deployer applies the chart's declared kinds.
    const charted = all.some(o => o.kind === 'Application' && o.metadata.labels?.['guardrails.cdk8s.io/chart'] && o.spec.destination.namespace === own);
    const kind = ['statefulsets', 'daemonsets', 'deployments'].find(r => files.some(f => f.file.startsWith('apps/')
      && f.objects.some(o => o.metadata.namespace === own && `${o.kind.toLowerCase()}s` === r))) ?? (charted ? 'deployments' : undefined);
    expect(canI(all, subject, 'create', 'apps', kind!, own)).toBe(true);
    // Only a namespace with Services (a workload with ports, or a chart that declares them) has them in its deployer's Role.
    expect(canI(all, subject, 'patch', '', 'services', own)).toBe(charted || all.some(o => o.kind === 'Service' && o.metadata.namespace === own));
    expect(canI(all, subject, 'get', '', 'secrets', 'default')).toBe(false);
    expect(canI(all, subject, 'get', '', 'secrets', own)).toBe(false);
    expect(canI(all, subject, 'create', '', 'pods/exec', own)).toBe(false);
    for (const [group, resource] of [['rbac.authorization.k8s.io', 'roles'], ['rbac.authorization.k8s.io', 'rolebindings'],
      ['networking.k8s.io', 'networkpolicies'], ['', 'resourcequotas'], ['', 'limitranges']]) {
      expect(canI(all, subject, 'update', group, resource, own)).toBe(false);
    }
    for (const other of tenantNamespaces.filter(ns => ns !== own)) {
      expect(canI(all, subject, 'create', 'apps', 'deployments', other)).toBe(false);
      expect(canI(all, subject, 'delete', '', 'services', other)).toBe(false);
    }
    for (const [group, resource] of clusterScoped) {
      expect(canI(all, subject, 'create', group, resource)).toBe(false);
    }
  });

  test('RBAC holds no wildcard and no escalation verb, and a ClusterRole only to read the API on purpose', () => {
    // A service's kubernetesApi with scope cluster: read-only, reasoned, bound to that one service account.
    for (const o of all.filter(o => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding')) {
      expect(o.metadata.annotations?.['guardrails.cdk8s.io/exception.kubernetes-api']?.replace(/\s/g, '').length).toBeGreaterThanOrEqual(10);
      if (o.kind === 'ClusterRole') {
        expect(o.aggregationRule).toBeUndefined();
        for (const rule of o.rules) {
          expect(rule.verbs).toEqual(['get', 'list', 'watch']);
          expect(rule.resources).not.toContain('secrets');
          for (const v of [...rule.apiGroups, ...rule.resources]) expect(v).not.toContain('*');
        }
      } else {
        expect(o.subjects).toHaveLength(1);
        expect(o.subjects[0].kind).toBe('ServiceAccount');
      }
    }
    for (const role of all.filter(o => o.kind === 'Role')) {
      for (const rule of role.rules) {
        for (const v of [...rule.apiGroups, ...rule.resources, ...rule.verbs]) expect(v).not.toContain('*');
        expect(rule.verbs).not.toEqual(expect.arrayContaining(['escalate']));
        expect(rule.verbs.filter((v: string) => ['escalate', 'bind', 'impersonate'].includes(v))).toEqual([]);
        expect(rule.resources).not.toContain('secrets');
      }
    }
  });

  test('each Role grants exactly the kinds of its namespace\'s workload files', () => {
    const plural: Record<string, string> = {
      Deployment: 'deployments', Service: 'services', ServiceAccount: 'serviceaccounts', PodDisruptionBudget: 'poddisruptionbudgets',
      StatefulSet: 'statefulsets', DaemonSet: 'daemonsets', Job: 'jobs', CronJob: 'cronjobs', ConfigMap: 'configmaps',
      HorizontalPodAutoscaler: 'horizontalpodautoscalers', Ingress: 'ingresses', SealedSecret: 'sealedsecrets', ExternalSecret: 'externalsecrets',
    };
    // A chart-only environment's file is empty: its deployer's kinds are the chart's (compile-argo.test.ts).
    for (const f of files.filter(f => f.file.startsWith('apps/') && f.objects.length > 0)) {
      const ns = f.objects[0].metadata.namespace;
      const role = all.find(o => o.kind === 'Role' && o.metadata.namespace === ns && o.metadata.name === 'deployer');
      const granted = role!.rules.filter((r: any) => r.verbs.includes('create')).flatMap((r: any) => r.resources).sort();
      expect(granted).toEqual([...new Set(f.objects.map(o => plural[o.kind]))].sort());
      // Besides, only reads for the Argo CD UI: no verb that writes, never Secrets or a pod subresource but logs.
      for (const r of role!.rules.filter((r: any) => !r.verbs.includes('create'))) {
        expect(['get', 'list', 'watch']).toEqual(expect.arrayContaining(r.verbs));
        for (const res of r.resources) expect(['events', 'pods', 'pods/log', 'replicasets', 'jobs', 'controllerrevisions', 'persistentvolumeclaims']).toContain(res);
      }
    }
  });
});

describe('ArgoCD', () => {
  // The platform's own project and Application (platform/bootstrap.k8s.yaml) are judged apart.
  const isPlatform = (o: any) => o.metadata.labels?.['app.kubernetes.io/part-of'] === 'platform';
  const projects = all.filter(o => o.kind === 'AppProject' && !isPlatform(o));
  const applications = all.filter(o => o.kind === 'Application' && !isPlatform(o));
  const chartApplications = applications.filter(a => a.metadata.labels['guardrails.cdk8s.io/chart']);
  const envApplications = applications.filter(a => !a.metadata.labels['guardrails.cdk8s.io/chart']);
  const FENCES = ['LimitRange', 'NetworkPolicy', 'ResourceQuota', 'Role', 'RoleBinding', 'AppProject', 'Application', 'ApplicationSet'];

  test('every project trusts explicit repos only, allows no cluster-scoped objects and whitelists tenant kinds only', () => {
    expect(projects.length).toBe(apps.length);
    for (const p of projects) {
      expect(p.spec.sourceRepos.length).toBeGreaterThan(0);
      for (const repo of p.spec.sourceRepos) expect(repo).not.toMatch(/[*?[!]/);
      expect(p.spec.clusterResourceWhitelist).toEqual([]);
      expect(p.spec.namespaceResourceWhitelist.length).toBeGreaterThan(0);
      for (const k of p.spec.namespaceResourceWhitelist) {
        expect(FENCES).not.toContain(k.kind);
        expect(`${k.group}${k.kind}`).not.toMatch(/[*?[\]]/);
      }
      expect(p.spec.orphanedResources).toEqual({ warn: true });
    }
  });

  test('every project deploys only to its app\'s namespaces, as their deployers', () => {
    for (const p of projects) {
      const own = all.filter(o => o.kind === 'Namespace' && o.metadata.labels['app.kubernetes.io/part-of'] === p.metadata.name)
        .map(o => o.metadata.name as string);
      expect(own.length).toBeGreaterThan(0);
      expect(p.spec.destinations.map((d: any) => d.namespace).sort()).toEqual(own.sort());
      for (const d of p.spec.destinations) {
        expect(d.server).toBe('https://kubernetes.default.svc');
        expect(d.namespace).not.toMatch(/[*?]/);
      }
      expect(p.spec.destinationServiceAccounts.map((d: any) => `${d.namespace}:${d.defaultServiceAccount}`).sort())
        .toEqual(own.map(ns => `${ns}:deployer`).sort());
    }
  });

  test('every Application is in its app\'s project and syncs that environment\'s folder of dist/', () => {
    expect(envApplications).toHaveLength(tenantNamespaces.length);
    for (const a of envApplications) {
      const project = projects.find(p => p.metadata.name === a.spec.project);
      expect(a.spec.project).not.toBe('default');
      expect(project!.spec.destinations).toContainEqual(a.spec.destination);
      const [app, env] = [a.spec.project, a.metadata.labels['guardrails.cdk8s.io/environment']];
      expect(a.metadata.name).toBe(`${app}-${env}`);
      expect(a.spec.source.path).toBe(`dist/apps/${app}/${env}`);
      expect(a.spec.source.directory).toEqual({ include: '*.yaml' });
      expect(files.some(f => f.file.startsWith(`apps/${app}/${env}/`) && f.objects.every(o => o.metadata.namespace === a.spec.destination.namespace))).toBe(true);
    }
  });

  test('every Helm chart Application is pinned, reasoned, in its app\'s project, and its repo is listed exactly', () => {
    for (const a of chartApplications) {
      const project = projects.find(p => p.metadata.name === a.spec.project)!;
      expect(project.spec.destinations).toContainEqual(a.spec.destination);
      const [chart] = a.spec.sources;
      expect(chart.targetRevision).toMatch(/^(v?\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?|sha256:[0-9a-f]{64})$/);
      expect(project.spec.sourceRepos).toContain(chart.repoURL);
      expect(a.metadata.annotations['guardrails.cdk8s.io/exception.helm-chart']).toMatch(/.{10,}/);
    }
  });

  test('the platform bootstrap, when written, trusts one repo and syncs dist/platform', () => {
    const platformProjects = all.filter(o => o.kind === 'AppProject' && isPlatform(o));
    for (const p of platformProjects) {
      expect(p.spec.sourceRepos).toHaveLength(1);
      expect(p.spec.clusterResourceWhitelist.map((k: any) => k.kind)).toContain('Namespace');
      const app = all.find(o => o.kind === 'Application' && isPlatform(o) && o.spec.project === p.metadata.name);
      expect(app!.spec.source).toMatchObject({ repoURL: p.spec.sourceRepos[0], path: 'dist/platform', directory: { recurse: false } });
    }
  });
});
