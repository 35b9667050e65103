import { POD_SECURITY_LEVELS } from '../pod-security';
import { Json } from '../model';
import { Rule } from '../rule';

/** Namespaces that run workloads enforce Pod Security. */

export const NAMESPACES_RULES: Rule[] = [
  {
    id: 'namespace.pod-security-labels', family: 'namespaces', severity: 'error', title: 'namespaces with workloads enforce Pod Security',
    fix: 'define the Namespace with pod-security.kubernetes.io/enforce (and -version) labels, e.g. with TenantNamespace',
    check: ctx => ctx.workloadNamespaces().flatMap(ns => {
      const namespace = ctx.ofKind('Namespace').find(n => n.metadata?.name === ns);
      const labels: Json = namespace?.metadata?.labels ?? {};
      if (namespace && POD_SECURITY_LEVELS.includes(labels['pod-security.kubernetes.io/enforce']) && labels['pod-security.kubernetes.io/enforce-version']) return [];
      const object = namespace ?? ctx.pods.find(p => p.namespace === ns)!.object;
      return [{ object, field: namespace ? 'metadata.labels' : 'metadata.namespace',
        message: namespace ? `namespace ${ns} has no pinned pod-security.kubernetes.io/enforce label` : `namespace ${ns} runs pods but is not defined with Pod Security labels` }];
    }),
  },
];
