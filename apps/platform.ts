import { definePlatform } from '../compiler/app-spec';
import { DEPLOY_REPO } from './repo';

/**
 * The platform team's settings: every app below is checked against them. The ingress controller
 * is a trusted caller of many apps, so no app may claim its namespace. `repoURL` makes compile write
 * `dist/platform/bootstrap.k8s.yaml`, the platform's own AppProject and Application, applied once by hand.
 */
export const platform = definePlatform({
  argoNamespace: 'argocd',
  project: 'platform',
  repoURL: DEPLOY_REPO,
  clusters: [{ name: 'in-cluster', server: 'https://kubernetes.default.svc' }],
  reservedNamespaces: ['ingress-nginx', 'cert-manager', 'monitoring'],
});
