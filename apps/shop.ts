import { defineApp } from '../compiler/app-spec';
import { DEPLOY_REPO } from './repo';

// A small-team product stack (Go API, background worker, admin UI, Redis) behind the cluster's
// ingress controller, with a managed Postgres outside the cluster and an SMTP relay.
// Digests in these examples are illustrative: pin your own with `crane digest <image>:<tag>`.

const DATABASE = { name: 'postgres', cidr: '10.40.0.0/24', ports: [{ port: 5432 }] };
const SMTP = { name: 'smtp', cidr: '192.0.2.25/32', ports: [{ port: 587 }] };
const SECRETS = { DATABASE_URL: { secretKeyRef: { name: 'shop-database', key: 'url' } } };

export const shop = defineApp({
  name: 'shop',
  repoURL: DEPLOY_REPO,
  environments: { staging: {}, production: { quota: { requestsCpu: '8', requestsMemory: '16Gi', limitsMemory: '32Gi' } } },
  services: {
    api: {
      image: 'ghcr.io/acme/shop-api:2.14.0@sha256:982d4486a936e2e63d7985287730247ad18514560524c8e0f7cc769dcea7dec8',
      replicas: { staging: 1, production: 3 },
      ports: [{ name: 'http', port: 8080, servicePort: 80 }],
      env: { ...SECRETS, LOG_LEVEL: 'info', REDIS_ADDR: 'redis:6379' },
      resources: { cpuRequest: '250m', memoryRequest: '256Mi', memoryLimit: '512Mi' },
      probes: {
        readiness: { httpGet: { path: '/readyz', port: 'http' } },
        liveness: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 20 },
      },
      callers: [{ namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } }],
      calls: ['redis'],
      egress: [DATABASE],
    },
    worker: {
      image: 'ghcr.io/acme/shop-worker:2.14.0@sha256:bb43c09bb1ec7707a24fa64aab697bb489978b1237c728b252c0678b5269efa9',
      replicas: { staging: 1, production: 2 },
      env: {
        ...SECRETS,
        SMTP_HOST: 'smtp.mail.example.net',
        SMTP_PASSWORD: { secretKeyRef: { name: 'shop-smtp', key: 'password' } },
      },
      probes: { liveness: { exec: { command: ['/worker', 'healthcheck'] }, periodSeconds: 30 } },
      calls: ['redis'],
      egress: [DATABASE, SMTP],
    },
    admin: {
      image: 'ghcr.io/acme/shop-admin:2.14.0@sha256:9b39afc72eaba494fade179a79830a3900bebb5177c8f472ff79e9944eceeebc',
      ports: [{ name: 'http', port: 8080, servicePort: 80 }],
      envFrom: [{ secretRef: 'shop-admin-oidc' }],
      env: SECRETS,
      probes: { readiness: { httpGet: { path: '/healthz', port: 'http' } } },
      callers: [{ namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } }],
      calls: ['redis'],
      egress: [DATABASE],
    },
    redis: {
      image: 'docker.io/library/redis:7.4.1-alpine@sha256:34fb46c847bb9df96e5205a39d382f648a6e8dce1e014cd85b4ca6a88d88ed03',
      ports: [{ name: 'redis', port: 6379 }],
      // The official image's redis user; a cache only, so nothing is persisted.
      runAsUser: 999,
      runAsGroup: 999,
      fsGroup: 999,
      args: ['redis-server', '--save', '', '--appendonly', 'no'],
      writablePaths: [{ path: '/data', sizeLimit: '256Mi' }, { path: '/tmp' }],
      resources: { cpuRequest: '100m', memoryRequest: '256Mi', memoryLimit: '512Mi' },
      probes: {
        readiness: { exec: { command: ['redis-cli', 'ping'] } },
        liveness: { tcpSocket: { port: 'redis' }, periodSeconds: 20 },
      },
    },
  },
});
