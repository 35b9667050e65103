import { defineApp } from '../compiler/app-spec';
import { DEPLOY_REPO } from './repo';

// Modeled on seed 004 (honeyDue on k3s): a Go API, a Next.js admin UI, a background worker and an
// in-cluster Redis in one namespace named `honeydue`, images from a private Gitea registry, the
// database a managed Postgres outside the cluster (Neon, no fixed address range), object storage
// on Backblaze B2, mail through Fastmail and push through APNs, whose .p8 signing key is a file.
// Traefik (k3s' ingress controller, in kube-system) is the one way in: api and admin each get an
// Ingress on its HTTPS entry point only, with the Cloudflare Origin CA certificate the write-up's
// TODO asks for (SSL "Full (strict)"), sealed in Git for this namespace.
// The write-up's TODOs come for free here: Pod Security `restricted` enforced on the namespace,
// default-deny NetworkPolicies applied, and credentials only as Secret references.
// Digests in these examples are illustrative: pin your own with `crane digest <image>:<tag>`.

const REGISTRY = 'gitea.example.com/honeydue';
/** Traefik's HTTPS entry point, with the Cloudflare Origin CA certificate that Cloudflare checks in Full (strict) mode. */
const ORIGIN = (host: string) => ({ host, className: 'traefik', tls: { secretName: 'honeydue-origin-tls' } });
const SECRET = (key: string) => ({ secretKeyRef: { name: 'honeydue-secrets', key } });
/** The Gitea registry's pull credential (a kubernetes.io/dockerconfigjson Secret, read:packages only). */
const PULL = ['gitea-credentials'];
/** The APNs .p8 signing key, a file read from a Secret, never an environment variable. */
const APNS_KEY = [{
  name: 'apns-key',
  mountPath: '/secrets/apns',
  secret: { secretName: 'honeydue-apns-key', items: [{ key: 'apns_auth_key.p8', path: 'apns_auth_key.p8' }] },
}];
const DATABASE = {
  POSTGRES_HOST: 'ep-honeydue.eu-central-1.aws.neon.tech',
  POSTGRES_USER: 'honeydue',
  POSTGRES_PASSWORD: SECRET('POSTGRES_PASSWORD'),
  DB_SSLMODE: 'require',
};
const NEON = {
  name: 'neon-postgres',
  cidr: '0.0.0.0/0',
  ports: [{ port: 5432 }],
  reason: 'Neon serverless Postgres publishes no fixed address range; TLS is required (DB_SSLMODE=require)',
};
const APNS = {
  name: 'apns',
  cidr: '17.0.0.0/8',
  ports: [{ port: 443 }],
  reason: 'Apple Push Notification service (api.push.apple.com) lives in Apple\'s 17.0.0.0/8',
};
const B2 = {
  name: 'backblaze-b2',
  cidr: '0.0.0.0/0',
  ports: [{ port: 443 }],
  reason: 'Backblaze B2 object storage (uploads, backups) is served from changing public addresses, HTTPS only',
};

export const honeydue = defineApp({
  name: 'honeydue',
  repoURL: DEPLOY_REPO,
  environments: {
    production: {
      namespace: 'honeydue',
      labels: { team: 'honeydue' },
      secrets: {
        // Sealed for namespace honeydue and this name (kubeseal --scope strict); illustrative values.
        'honeydue-origin-tls': {
          sealed: {
            type: 'kubernetes.io/tls',
            encryptedData: {
              'tls.crt': 'AQAbM56QGT2lQRV+CJrUH9ZgWIknoxG66iZLLYIePKGNtXw+jtp41B58O37bsI9PNmNIOD8SnjmukqyxTGZ6k+li8w8XtETTff8iuKyIlXxXBukz1dg3PPwQLiEeBi4uVLtylHe4mhnNCWq/WeS84j/BaS1Nxt6267pHMuwRYkxUMu59ANANFYqeRDvA3Szkc4/9oA8+ZXifT4ik6o6Y5yg61/msKfsjFSsEiaRSiSBW0EslyyqCvvgXBx6BrX9fbGBhWLtCN3u5YqTVu0cLz4RRm21TDJkgRLPT5YwFOr368Vjoas3bDgihzqfxztEyZiqgT9FRFFrioLdmFZrlQ8kbYZF1IsBhqVvDQD7mNosK8bE0VvZKcqWpoMUjDO98xxNgJkam',
              'tls.key': 'AQCRvZ8bBGTlu51yqOytogvYGmStuOPNNjNKuAm9lpxBOb3JF9Urfee0v+bcZ2cb048yQi/LMQWgySVyv2+h3zkeR6secyxCC8r0cYB71tt/ZGIRbRsGXSPnJYHEkboO7lvo/W2Y+KKb4fM4RCZaAJmz/z+2omA2CV7pTRXvZjGi4ouh3KiWlki87HLf3wq/bUlPi5qpaHbZ1s/c8Rks0YBuBfh/x6wPwHr8N3R4QmzPQG4yUdvgNhttJUhJF/sR5pTxNQRy1FHv9iQ//eG7/Swg/7UgU+pKKfTFPwQn/VUfH+6HUpB4KFzNYrsEXUldCn7K9DeEOR83Fu12m+FXSnsW+UiZK21ZAB1OG9Nj9Q7tlfmaeMXRXKZaXeC/nca9x/+2bF/n',
            },
          },
        },
      },
    },
  },
  services: {
    api: {
      image: `${REGISTRY}/api:237c6b8@sha256:2179882519966850877a544ff7d408b387613946dd73d7d5201a4d511fe4b67c`,
      replicas: 2,
      ports: [{ name: 'http', port: 8000 }],
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      env: {
        ...DATABASE,
        SECRET_KEY: SECRET('SECRET_KEY'),
        REDIS_ADDR: 'redis:6379',
        STORAGE_USE_SSL: 'true',
        B2_KEY_ID: SECRET('B2_KEY_ID'),
        B2_APP_KEY: SECRET('B2_APP_KEY'),
        APNS_KEY_PATH: '/secrets/apns/apns_auth_key.p8',
      },
      resources: { cpuRequest: '250m', memoryRequest: '256Mi', memoryLimit: '512Mi' },
      probes: {
        readiness: { httpGet: { path: '/api/health/', port: 'http' } },
        liveness: { httpGet: { path: '/api/health/', port: 'http' }, periodSeconds: 20 },
      },
      imagePullSecrets: PULL,
      volumes: APNS_KEY,
      ingress: ORIGIN('api.myhoneydue.com'),
      calls: ['redis'],
      egress: [NEON, B2, APNS],
    },
    admin: {
      image: `${REGISTRY}/admin:237c6b8@sha256:45ba43b9edc5d9672eb6ad3699b143824a0a694fa620588d28a7b1cdb23e6fc5`,
      ports: [{ name: 'http', port: 3000 }],
      runAsUser: 1001,
      runAsGroup: 1001,
      fsGroup: 1001,
      env: { NEXT_PUBLIC_API_URL: 'http://api:8000', HOSTNAME: '0.0.0.0' },
      // Next.js writes its image and fetch cache under .next/cache.
      writablePaths: [{ path: '/tmp' }, { path: '/app/.next/cache', sizeLimit: '256Mi' }],
      probes: { readiness: { httpGet: { path: '/admin/', port: 'http' } } },
      imagePullSecrets: PULL,
      ingress: ORIGIN('admin.myhoneydue.com'),
      calls: ['api'],
    },
    worker: {
      image: `${REGISTRY}/worker:237c6b8@sha256:2d81623361401ab07c61baca31c550bc4a666f86a5effa1556af1a3041485549`,
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      env: {
        ...DATABASE,
        REDIS_ADDR: 'redis:6379',
        EMAIL_HOST: 'smtp.fastmail.com',
        EMAIL_PORT: '587',
        EMAIL_HOST_PASSWORD: SECRET('EMAIL_HOST_PASSWORD'),
        FCM_SERVER_KEY: SECRET('FCM_SERVER_KEY'),
        APNS_KEY_PATH: '/secrets/apns/apns_auth_key.p8',
      },
      probes: { liveness: { exec: { command: ['/app/worker', 'healthcheck'] }, periodSeconds: 30 } },
      imagePullSecrets: PULL,
      volumes: APNS_KEY,
      calls: ['redis'],
      egress: [NEON, {
        name: 'fastmail-smtp',
        cidr: '0.0.0.0/0',
        ports: [{ port: 587 }],
        reason: 'Fastmail SMTP submission (STARTTLS) has no published fixed address range',
      }, APNS],
    },
    redis: {
      image: 'docker.io/library/redis:7.4.1-alpine@sha256:34fb46c847bb9df96e5205a39d382f648a6e8dce1e014cd85b4ca6a88d88ed03',
      ports: [{ name: 'redis', port: 6379 }],
      // The official image's redis user; cache and job queue only, so nothing is persisted.
      runAsUser: 999,
      runAsGroup: 999,
      fsGroup: 999,
      args: ['redis-server', '--save', '', '--appendonly', 'no'],
      writablePaths: [{ path: '/data', sizeLimit: '256Mi' }, { path: '/tmp' }],
      resources: { cpuRequest: '100m', memoryRequest: '128Mi', memoryLimit: '256Mi' },
      probes: {
        readiness: { exec: { command: ['redis-cli', 'ping'] } },
        liveness: { tcpSocket: { port: 'redis' }, periodSeconds: 20 },
      },
    },
    // Schema migrations, run once per release before the new api rolls out (an Argo CD PreSync
    // hook would be the platform's to add).
    migrate: {
      kind: 'Job',
      image: `${REGISTRY}/api:237c6b8@sha256:2179882519966850877a544ff7d408b387613946dd73d7d5201a4d511fe4b67c`,
      command: ['/app/api', 'migrate', 'up'],
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      env: DATABASE,
      backoffLimit: 1,
      activeDeadlineSeconds: 900,
      imagePullSecrets: PULL,
      egress: [NEON],
    },
    // A nightly logical backup of the Neon database to B2, beside Neon's own point-in-time restore.
    backup: {
      kind: 'CronJob',
      image: 'docker.io/library/postgres:16.4-alpine@sha256:101b3fd1d53aba0c839afc2a9eeaecf6df733f95873295587bcf3790c6fe9324',
      command: ['/bin/sh', '-c', 'pg_dump --format=custom --file=/backup/honeydue.dump && /usr/local/bin/b2-upload /backup/honeydue.dump'],
      schedule: '30 3 * * *',
      timeZone: 'Europe/Berlin',
      runAsUser: 70,
      runAsGroup: 70,
      fsGroup: 70,
      env: {
        PGHOST: DATABASE.POSTGRES_HOST,
        PGUSER: 'honeydue_backup',
        PGDATABASE: 'honeydue',
        PGSSLMODE: 'require',
        PGPASSWORD: SECRET('BACKUP_POSTGRES_PASSWORD'),
        B2_KEY_ID: SECRET('B2_KEY_ID'),
        B2_APP_KEY: SECRET('B2_APP_KEY'),
      },
      writablePaths: [{ path: '/tmp' }, { path: '/backup', sizeLimit: '2Gi' }],
      resources: { cpuRequest: '100m', memoryRequest: '256Mi', memoryLimit: '512Mi' },
      egress: [NEON, B2],
    },
  },
});
