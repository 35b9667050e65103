import { defineApp } from '../compiler/app-spec';
import { DEPLOY_REPO } from './repo';

// Modeled on seed 002 (Kubently, an API that runs read-only kubectl commands through an agent in
// each cluster). The security guide's manifests, as the constructs build them:
//
// - the API behind ingress-nginx with TLS and the HTTPS redirect (a cert-manager certificate
//   instead of a hand-made tls Secret), reached by the controller's pods only;
// - the agent reads the cluster through a ClusterRole of get, list and watch on the guide's
//   "minimal agent permissions" (never Secrets), with a projected one-hour token bound to the API
//   server's audience, and egress to the API server's addresses only (the guide's `to: []` on 443
//   opened every address in the world);
// - Redis with AUTH, its password and the API keys sealed for this namespace (SealedSecrets), so
//   no `kubectl create secret` by hand.
//
// The guide's "explicitly deny" rule (verbs on `*` with resourceNames `*`) is gone: RBAC has
// no deny, so that rule granted create, update and delete on everything named "*". Here only what
// is listed is granted.
// Digests and sealed values are illustrative: pin your own (`crane digest`) and seal your own
// values with `kubeseal --scope strict` for namespace kubently.

const IMAGES = 'ghcr.io/kubently';
const API_CONFIG = (key: string) => ({ secretKeyRef: { name: 'kubently-api-config', key } });
const REDIS_PASSWORD = { secretKeyRef: { name: 'redis-auth', key: 'password' } };

export const kubently = defineApp({
  name: 'kubently',
  repoURL: DEPLOY_REPO,
  environments: {
    production: {
      namespace: 'kubently',
      secrets: {
        'kubently-api-config': {
          sealed: {
            encryptedData: {
              'api-keys': 'AQCTyVi0UjpVR5ELxIO44o+FqU23kstVQVYWeiXJLPTV5JCEgc/4deJaermdkAFI/++PZJQWw6ntV/oaxer7zDbv9OLLuH7OLPHTyljz7E+L3lOQDru8yLchiTKxGFZ963NdKMDAt/LZhV7piPb4N1qbT1IRaHVCzUSnhwP8NqEBXMX86wrtga18N2vsFHu/eylDw6pvlE3KOgghuZUBBp5gd9QhZ+eo8lSDF5hzuRYpL6I5JEDh5cp0QMpxtMo5KWreizy5cr8U2FMdLEnz3QGaH447KLA4s4J9reZ9iFgTr1CjQFX0MgrQE/qTrpI7QMCbL9Sk9vg3sP/yiuJyAoF6ylj+j+PL46sg98I/qZ0H+k20LZwpaBm5Oo2SnaRHX6RyHl16Pw==',
              'agent-tokens': 'AQADt1KhZBllI6hP4Jie05OaVNbWQbUqrSELSlmyDVc0Aa3/8250LXVkv8/lgb9i0AF0iqRdXfBMHZ3kJIhCFLDsKIw6aKI/ATIN84aL9tsEE7tAulpWkikEo+BwdYlYY46xgvc6Vusv6PR5lxLao7otn0fekAMYbye2faCWSlT5AqimP87EtXN+AWB3CXHCuG8gSXa4UzPI4RGoyClB1qvv+DW3h0KF3uIP7tUGjrtOb1A1jfSqFdFiKlbyviEn1owh+1gEURYzUyj67MQhU1vuQ16k/rZ56NKKb7DWXDOOXa8VWypCX7aHTIaYZYEUaGd8EC9Sbh0nKhHTd0IsFbS1yO5EudF1nZqU9GPzL8A3K7QnJR7SYduJuIqKhbKk4ufwciypYObrHxY=',
            },
          },
        },
        'kubently-agent-token': {
          sealed: { encryptedData: { token: 'AQDWbMhJlk0+YZmWX+qoowyzXODaA3D/cQMLj9X4lSiEoTn1hEeQ2b41OsH6X+Jm/doH/qNYKZnhhRFIpnDGuGRIu2imIK/p+Y5Zhzu9taj8nxzlJ8CD5f6ScHVBDMs3jplHDDYXXPvb+X0hg7W7iKxhGQv21qFCjOjGVNZ4duBDtwevkYg2zIYkAJm8df8rIIN7Z3RxBf12QKKMuaTMLZDwPFVjscDBFz8rOsvN3Gkx0vYhXxEs6pUMAhW859vIsZhqZEtn9XpA0xlbH3E2uus6lM5o9j19jPFqJp97+jyhgVnGnzjSuAV2Tbm5l7b2j7GOVnFlpfbvaPlGT7eAnmtJ/iDMnhTpx/Kk2GUZ0VqGIxnk6jj4/Zu88QhqAULuTdAuYA==' } },
        },
        'redis-auth': {
          sealed: { encryptedData: { password: 'AQDpXozDxiOklgx+t/S+6G0i2JGfKxd8sHG6KrtFJQ4V7WzzYpJnGpCvs5wihfKxh4hpaR3/kW9kTwOhcSGRfJ0sQ49MVz3oNS25woAAHTwHobl06IWYTX4UVC38Df0SeQdsyjkegPk+tV4Puw1+J4Qhu2g1O/jbKekQiW/ygPO+KLd6hic/RCUif5nOumpxU74USUtSrO4pjuoJwQQolNWPjHZHu/QCgb4m+jJthAeWxXMfaoIYeHOyId7qFqA8r5xXudPNuhbZbxliHNAR249qH+pF94NWidQpsBgvJ/ladV/nxToNLCz/zK1Zd8JCqS6asUui5EjY7pLro9EK03Gyj09B9JQ1iTpUXl4giAwnR18H8jdXeYxHBKnd0P+VDZ47tV2Guw==' } },
        },
      },
    },
  },
  services: {
    api: {
      image: `${IMAGES}/kubently-api:0.5.0@sha256:4ae7153614f6c75b62739ebe0b25a064a3bb3430025efbf3336f206beda26dca`,
      replicas: 2,
      ports: [{ name: 'http', port: 8080 }],
      runAsUser: 65534,
      runAsGroup: 65534,
      fsGroup: 65534,
      env: {
        KUBENTLY_API_KEYS: API_CONFIG('api-keys'),
        KUBENTLY_AGENT_TOKENS: API_CONFIG('agent-tokens'),
        REDIS_HOST: 'redis',
        REDIS_PORT: '6379',
        REDIS_PASSWORD,
      },
      resources: { cpuRequest: '100m', memoryRequest: '128Mi', memoryLimit: '256Mi' },
      probes: { readiness: { httpGet: { path: '/health', port: 'http' } } },
      ingress: { host: 'kubently.example.com', className: 'nginx', tls: { issuer: 'letsencrypt' } },
      calls: ['redis'],
    },
    agent: {
      image: `${IMAGES}/kubently-agent:0.5.0@sha256:5c58a032435db2074d7e7559fadb3e06454ca5cb632103430d7265cd202e474e`,
      runAsUser: 65534,
      runAsGroup: 65534,
      fsGroup: 65534,
      env: {
        KUBENTLY_API_URL: 'http://api:8080',
        CLUSTER_ID: 'production',
        KUBENTLY_TOKEN: { secretKeyRef: { name: 'kubently-agent-token', key: 'token' } },
      },
      resources: { cpuRequest: '50m', memoryRequest: '64Mi', memoryLimit: '128Mi' },
      // The agent takes no connections (no port, no Service, no callers); the kubelet probes it.
      probes: { liveness: { httpGet: { path: '/health', port: 8080 }, periodSeconds: 20 } },
      kubernetesApi: {
        access: 'read',
        scope: 'cluster',
        resources: [
          'pods', 'nodes', 'services', 'endpoints', 'events', 'namespaces',
          'apps/deployments', 'apps/replicasets', 'apps/daemonsets', 'apps/statefulsets',
          'networking.k8s.io/ingresses', 'networking.k8s.io/networkpolicies',
          'storage.k8s.io/storageclasses', 'persistentvolumes',
        ],
        reason: 'the agent answers read-only kubectl get and describe for the whole cluster; never Secrets',
      },
      calls: ['api'],
    },
    redis: {
      image: 'docker.io/library/redis:7.4.1-alpine@sha256:34fb46c847bb9df96e5205a39d382f648a6e8dce1e014cd85b4ca6a88d88ed03',
      ports: [{ name: 'redis', port: 6379 }],
      // The official image's redis user. Sessions and results only, with TTLs: nothing is persisted.
      runAsUser: 999,
      runAsGroup: 999,
      fsGroup: 999,
      env: { REDIS_PASSWORD },
      args: ['redis-server', '--requirepass', '$(REDIS_PASSWORD)', '--save', '', '--appendonly', 'no'],
      writablePaths: [{ path: '/data', sizeLimit: '256Mi' }, { path: '/tmp' }],
      resources: { cpuRequest: '100m', memoryRequest: '128Mi', memoryLimit: '256Mi' },
      probes: { liveness: { tcpSocket: { port: 'redis' }, periodSeconds: 20 } },
    },
  },
});
