import { defineApp } from '../compiler/app-spec';
import { DEPLOY_REPO } from './repo';

// Modeled on seed 003 (a Pulumi-built cluster whose app secrets live in OpenBao): the
// administrative tools are reachable from the operator's one static IP and from nowhere else, and
// their credentials come from OpenBao through the External Secrets Operator, never from Git.
//
// - pgAdmin behind ingress-nginx, TLS from cert-manager, with `sourceRanges` allowing the static
//   IP only (ingress-nginx answers 403 to everyone else), and the controller's pods as its only
//   callers inside the cluster.
// - Its login comes from OpenBao (`ops/pgadmin`) through the namespace's SecretStore `openbao`,
//   which the platform team creates with a policy that reads `ops/*` only: the tenant names keys,
//   never stores.
// - It reaches the managed Postgres subnet on 5432, nothing else.
// Digests are illustrative: pin your own with `crane digest <image>:<tag>`.

/** The operator's static IP (or the VPN's exit address): the only client of the admin tools. */
const OPERATOR_IP = '203.0.113.7/32';

export const opsAdmin = defineApp({
  name: 'ops',
  repoURL: DEPLOY_REPO,
  environments: {
    production: {
      namespace: 'ops-admin',
      secrets: {
        'pgadmin-login': {
          external: {
            store: 'openbao',
            data: [
              { key: 'email', remoteKey: 'ops/pgadmin', property: 'email' },
              { key: 'password', remoteKey: 'ops/pgadmin', property: 'password' },
            ],
          },
        },
      },
    },
  },
  services: {
    pgadmin: {
      image: 'docker.io/dpage/pgadmin4:8.12@sha256:671e43cb5d5644fae60d80051a4fe46871dafe05490a63b4de3a0b24ab94ebf7',
      ports: [{ name: 'http', port: 5050 }],
      // The image's pgadmin user; it listens on 80 unless told otherwise, which needs NET_BIND_SERVICE.
      runAsUser: 5050,
      runAsGroup: 5050,
      fsGroup: 5050,
      env: {
        PGADMIN_LISTEN_PORT: '5050',
        PGADMIN_DEFAULT_EMAIL: { secretKeyRef: { name: 'pgadmin-login', key: 'email' } },
        PGADMIN_DEFAULT_PASSWORD: { secretKeyRef: { name: 'pgadmin-login', key: 'password' } },
      },
      writablePaths: [{ path: '/var/lib/pgadmin', sizeLimit: '512Mi' }, { path: '/tmp' }],
      resources: { cpuRequest: '100m', memoryRequest: '256Mi', memoryLimit: '512Mi' },
      probes: { readiness: { httpGet: { path: '/misc/ping', port: 'http' } } },
      ingress: {
        host: 'pgadmin.ops.example.com',
        className: 'nginx',
        tls: { issuer: 'letsencrypt' },
        sourceRanges: [OPERATOR_IP],
      },
      egress: [{ name: 'postgres', cidr: '10.20.0.0/24', ports: [{ port: 5432 }] }],
    },
  },
});
