import { defineApp } from '../compiler/app-spec';
import type { TeamAccessSpec } from '../constructs';
import { DEPLOY_REPO } from './repo';

// Modeled on seed 000 (LaraKube): several Laravel apps share one cluster and one set of backing
// services, the Commons, while each app environment keeps its own namespace and deployer, so a
// leaked CI credential of one app deploys to that namespace and nothing else, not the Commons.
// The Commons is an app of its own (namespace `commons`): a persistent Postgres (a StatefulSet
// with a claim per pod) and Redis, reachable only from the app namespaces named as callers. Each
// tenant app has its own database login and Redis logical DB, by Secret reference.
// Digests in these examples are illustrative: pin your own with `crane digest <image>:<tag>`.

/** The namespaces of the tenant apps below: the only callers of the Commons. */
const TENANT_NAMESPACES = ['tickets-staging', 'tickets-production', 'crm-staging', 'crm-production'];
const TENANTS = TENANT_NAMESPACES.map(namespace => ({ namespace }));

export const commons = defineApp({
  name: 'commons',
  repoURL: DEPLOY_REPO,
  environments: {
    production: {
      namespace: 'commons',
      labels: { 'larakube.example.com/role': 'commons' },
      quota: { requestsCpu: '4', requestsMemory: '8Gi', limitsMemory: '16Gi', persistentVolumeClaims: 4 },
    },
  },
  services: {
    postgres: {
      kind: 'StatefulSet',
      image: 'docker.io/library/postgres:16.4-alpine@sha256:101b3fd1d53aba0c839afc2a9eeaecf6df733f95873295587bcf3790c6fe9324',
      ports: [{ name: 'postgres', port: 5432 }],
      // The alpine image's postgres user.
      runAsUser: 70,
      runAsGroup: 70,
      fsGroup: 70,
      env: {
        POSTGRES_USER: 'commons',
        POSTGRES_PASSWORD: { secretKeyRef: { name: 'commons-postgres', key: 'superuser-password' } },
        PGDATA: '/var/lib/postgresql/data/pgdata',
      },
      writablePaths: [{ path: '/tmp' }, { path: '/var/run/postgresql', sizeLimit: '16Mi' }],
      volumeClaimTemplates: [{ name: 'data', mountPath: '/var/lib/postgresql/data', size: '20Gi' }],
      resources: { cpuRequest: '500m', memoryRequest: '1Gi', memoryLimit: '2Gi' },
      probes: {
        readiness: { exec: { command: ['pg_isready', '-U', 'commons', '-h', '127.0.0.1'] } },
        liveness: { tcpSocket: { port: 'postgres' }, periodSeconds: 20 },
      },
      callers: TENANTS,
    },
    redis: {
      kind: 'StatefulSet',
      image: 'docker.io/library/redis:7.4.1-alpine@sha256:34fb46c847bb9df96e5205a39d382f648a6e8dce1e014cd85b4ca6a88d88ed03',
      ports: [{ name: 'redis', port: 6379 }],
      runAsUser: 999,
      runAsGroup: 999,
      fsGroup: 999,
      // Queues survive a restart: append-only file on the claim.
      args: ['redis-server', '--appendonly', 'yes', '--dir', '/data'],
      volumeClaimTemplates: [{ name: 'data', mountPath: '/data', size: '2Gi' }],
      resources: { cpuRequest: '100m', memoryRequest: '256Mi', memoryLimit: '512Mi' },
      probes: {
        readiness: { exec: { command: ['redis-cli', 'ping'] } },
        liveness: { tcpSocket: { port: 'redis' }, periodSeconds: 20 },
      },
      callers: TENANTS,
    },
  },
});

/** What every tenant app's pods reach in the Commons. */
const COMMONS = [
  { name: 'commons-postgres', namespace: 'commons', podLabels: { 'app.kubernetes.io/name': 'postgres' }, ports: [{ port: 5432 }] },
  { name: 'commons-redis', namespace: 'commons', podLabels: { 'app.kubernetes.io/name': 'redis' }, ports: [{ port: 6379 }] },
];

/** A Laravel app on the Commons: web, queue worker and scheduler, with its own tenant credentials. */
function laravelApp(name: string, version: string, digests: { web: string; queue: string }, redisDb: number,
  access: { staging?: TeamAccessSpec[]; production?: TeamAccessSpec[] } = {}) {
  const image = (role: keyof typeof digests) => `ghcr.io/acme/${name}-${role}:${version}@sha256:${digests[role]}`;
  const env = {
    APP_ENV: 'production',
    APP_KEY: { secretKeyRef: { name: `${name}-app`, key: 'app-key' } },
    DB_CONNECTION: 'pgsql',
    DB_HOST: 'postgres.commons.svc.cluster.local',
    DB_DATABASE: name,
    DB_USERNAME: name,
    DB_PASSWORD: { secretKeyRef: { name: `${name}-commons`, key: 'db-password' } },
    REDIS_HOST: 'redis.commons.svc.cluster.local',
    REDIS_DB: String(redisDb),
  };
  const writable = [{ path: '/tmp' }, { path: '/var/www/html/storage', sizeLimit: '256Mi' }, { path: '/var/www/html/bootstrap/cache', sizeLimit: '16Mi' }];
  return defineApp({
    name,
    repoURL: DEPLOY_REPO,
    environments: { staging: { access: access.staging }, production: { access: access.production } },
    services: {
      web: {
        image: image('web'),
        replicas: { staging: 1, production: 2 },
        ports: [{ name: 'http', port: 8080, servicePort: 80 }],
        runAsUser: 33,
        runAsGroup: 33,
        fsGroup: 33,
        env,
        writablePaths: writable,
        resources: { cpuRequest: '250m', memoryRequest: '256Mi', memoryLimit: '512Mi' },
        probes: { readiness: { httpGet: { path: '/up', port: 'http' } } },
        callers: [{ namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } }],
        egress: COMMONS,
      },
      queue: {
        image: image('queue'),
        command: ['php', 'artisan', 'queue:work', '--sleep=3', '--tries=3', '--max-time=3600'],
        runAsUser: 33,
        runAsGroup: 33,
        fsGroup: 33,
        env,
        writablePaths: writable,
        probes: { liveness: { exec: { command: ['php', 'artisan', 'queue:monitor', 'default'] }, periodSeconds: 60 } },
        egress: COMMONS,
      },
      // Laravel's scheduler, one run a minute, as Kubernetes runs it instead of cron in a container.
      scheduler: {
        kind: 'CronJob',
        image: image('web'),
        command: ['php', 'artisan', 'schedule:run'],
        schedule: '* * * * *',
        activeDeadlineSeconds: 300,
        runAsUser: 33,
        runAsGroup: 33,
        fsGroup: 33,
        env,
        writablePaths: writable,
        egress: COMMONS,
      },
    },
  });
}

export const tickets = laravelApp('tickets', '3.2.0', {
  web: '61dcbf00f8fb75fd4d842a941d3dda9d3d7e5a36fd899830d285282b6ab32254',
  queue: '28d0646c268104b606981563162450bb47ef9a2e1ef08a43ba545f5e3a06b35c',
}, 1, {
  // LaraKube's Team Access as OIDC identities, per environment: the developers operate staging and
  // watch production; the on-call lead may restart and scale production. Nobody reads Secrets, and
  // exec is granted only for a dated incident (never committed in an example: its date passes).
  staging: [{ group: 'tickets-developers', role: 'operator' }],
  production: [{ group: 'tickets-developers', role: 'viewer' }, { user: 'oncall-lead@example.com', role: 'operator' }],
});

export const crm = laravelApp('crm', '1.7.4', {
  web: 'db1cba1a632036c77c064caba2bb17ce8836297302baaf32a4f3da6bcd7f7197',
  queue: '6beba5e6ec784ee4dbfd588a15d18bf047033fe80adcff05b057010c1a53e30a',
}, 2);
