import { definePlatform } from '../compiler/app-spec';

/**
 * The platform team's settings: every app below is checked against them. The ingress controller
 * is a trusted caller of many apps, so no app may claim its namespace.
 */
export const platform = definePlatform({
  argoNamespace: 'argocd',
  project: 'platform',
  clusters: [{ name: 'in-cluster', server: 'https://kubernetes.default.svc' }],
  reservedNamespaces: ['ingress-nginx', 'cert-manager', 'monitoring'],
});
