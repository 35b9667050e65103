import { defineApp } from '../compiler/app-spec';
import { DEPLOY_REPO } from './repo';

// An nginx edge proxy that must listen on 80 and 443 inside its pod, so it keeps
// NET_BIND_SERVICE (the one capability Pod Security "restricted" allows adding) with a reason.

export const edge = defineApp({
  name: 'edge',
  repoURL: DEPLOY_REPO,
  environments: { production: {} },
  services: {
    proxy: {
      image: 'docker.io/nginxinc/nginx-unprivileged:1.27.2-alpine@sha256:ff983e1ae73464094e9461e19dd4c38a0cf128e11575460f6acc2d647659b137',
      replicas: 2,
      ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }],
      runAsUser: 101,
      runAsGroup: 101,
      fsGroup: 101,
      writablePaths: [{ path: '/tmp' }, { path: '/var/cache/nginx' }, { path: '/var/run' }],
      exceptions: {
        capabilities: [{
          capability: 'NET_BIND_SERVICE',
          reason: 'clients and the upstream LB health check expect :80 and :443 on the pod itself',
        }],
      },
      probes: { readiness: { httpGet: { path: '/healthz', port: 'http' } } },
      callers: [{ namespace: 'ingress-nginx' }],
      egress: [{ name: 'origins', cidr: '10.60.0.0/16', ports: [{ port: 8443 }] }],
    },
  },
});
