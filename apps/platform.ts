import { definePlatform } from '../compiler/app-spec';
import { DEPLOY_REPO } from './repo';

/**
 * The platform team's settings: every app below is checked against them. The ingress controllers
 * are trusted callers of many apps, so no app may claim their namespaces. `repoURL` makes compile
 * write `dist/platform/bootstrap.k8s.yaml`, the platform's own AppProject and Application, applied
 * once by hand.
 */
export const platform = definePlatform({
  argoNamespace: 'argocd',
  project: 'platform',
  repoURL: DEPLOY_REPO,
  clusters: [{ name: 'in-cluster', server: 'https://kubernetes.default.svc' }],
  reservedNamespaces: ['cert-manager', 'monitoring'],
  ingressControllers: [
    { className: 'nginx', controller: 'ingress-nginx', namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
    // k3s ships Traefik in kube-system (honeyDue's cluster).
    { className: 'traefik', controller: 'traefik', namespace: 'kube-system', podLabels: { 'app.kubernetes.io/name': 'traefik' } },
  ],
  // The `kubernetes` Service's ClusterIP and the control-plane address behind it
  // (`kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes`).
  apiServer: { cidrs: ['10.96.0.1/32', '192.168.10.10/32'] },
  // The API server's --oidc-username-prefix and --oidc-groups-prefix.
  oidc: { usernamePrefix: 'oidc:', groupsPrefix: 'oidc:' },
});
