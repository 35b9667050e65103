import { defineApp } from '../compiler/app-spec';
import { DEPLOY_REPO } from './repo';

// Two unrelated apps on one shared cluster, each with staging and production. Every app
// environment gets its own namespace and deployer, so a leaked CI credential of one can deploy
// to that namespace and nothing else: not the other environment, not the other app.

export const blog = defineApp({
  name: 'blog',
  repoURL: DEPLOY_REPO,
  environments: { staging: {}, production: {} },
  services: {
    web: {
      image: 'ghcr.io/acme/blog-web:5.2.1@sha256:704083d3b29b41e67645c4a2f5077741f35429cc164d1c213745cc4927314ab9',
      replicas: { staging: 1, production: 2 },
      ports: [{ name: 'http', port: 8000, servicePort: 80 }],
      env: {
        APP_ENV: 'production',
        APP_KEY: { secretKeyRef: { name: 'blog-app', key: 'app-key' } },
        DB_PASSWORD: { secretKeyRef: { name: 'blog-database', key: 'password' } },
      },
      writablePaths: [{ path: '/tmp' }, { path: '/app/storage/framework', sizeLimit: '128Mi' }],
      probes: { readiness: { httpGet: { path: '/up', port: 'http' } } },
      callers: [{ namespace: 'ingress-nginx' }],
      calls: ['queue'],
      egress: [{ name: 'mysql', cidr: '10.50.1.0/28', ports: [{ port: 3306 }] }],
    },
    queue: {
      image: 'ghcr.io/acme/blog-queue:5.2.1@sha256:4332932f7b81bca503184ee0ebdbddbe72c7a486633b2b077b3d210ac6a9da78',
      ports: [{ name: 'redis', port: 6379 }],
      writablePaths: [{ path: '/data', sizeLimit: '128Mi' }],
    },
  },
});

export const invoicer = defineApp({
  name: 'invoicer',
  repoURL: DEPLOY_REPO,
  environments: { staging: {}, production: {} },
  services: {
    api: {
      image: 'ghcr.io/acme/invoicer-api:0.9.3@sha256:13bfd50033cdef3c333cedcbac14497ada692e19bf715ed99b419638af4c3000',
      replicas: { staging: 1, production: 2 },
      ports: [{ name: 'http', port: 3000 }],
      envFrom: [{ secretRef: 'invoicer-env' }],
      probes: { readiness: { httpGet: { path: '/health', port: 'http' } } },
      callers: [{ namespace: 'ingress-nginx' }],
      egress: [{ name: 'payments', cidr: '203.0.113.0/24', ports: [{ port: 443 }] }],
    },
  },
});
