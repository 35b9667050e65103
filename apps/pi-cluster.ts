import { defineApp } from '../compiler/app-spec';
import { DEPLOY_REPO } from './repo';

// Modeled on seed 001 (a Raspberry Pi / Rockchip home cluster): a Cloudflare Tunnel as the only
// way in, inference services behind it, and the two workloads that need privilege, each in a
// namespace of its own so the privilege stays there:
//
// - `inference` (restricted): cloudflared, an echo test service, and llama.cpp on a GPU node.
// - `rkllama` (privileged, with its reason): rkllama on the Rockchip NPU, the one pod that needs
//   the node's devices, with nginx in front of it as the only port callers reach.
// - `node-tuning` (privileged, with its reason): the kernel-settings DaemonSet.
//
// Digests in these examples are illustrative: pin your own with `crane digest <image>:<tag>`.

const CLOUDFLARED = { 'app.kubernetes.io/name': 'cloudflared' };
const HEADLAMP = { 'app.kubernetes.io/name': 'headlamp' };

export const inference = defineApp({
  name: 'inference',
  repoURL: DEPLOY_REPO,
  environments: {
    production: {
      namespace: 'inference',
      labels: { 'home.example.com/tier': 'ai' },
      // The tunnel token, sealed for namespace inference and this name (kubeseal --scope strict):
      // rotate by re-sealing and committing; Argo CD applies it. Illustrative value.
      secrets: {
        'cloudflared-tunnel': {
          sealed: { encryptedData: { token: 'AQDErWafcuOZEv1wKtzB6/yk3lf8/kUhwsnOQhaDSh1CKNhxWfOrem7p3IskiV5GwZTWZjkVCXgGsC4I3q2kLoHpfQ7rB3meaMAgfYD0bgXqZq9+DRlPwjz/IityZoNsvo15Lpnkpxa/KwIccOVHxI+P/psWbjguk37nsgfRolaC6rQBWRN2VSheAh6AU+Br9Ny3FbbOnI6FnmhDaGK53M3qmgSIkJTYCH+NkSDtsXpJTQEVxOrSEpgV7fJMCCaKjcZXbdfI43Tr0byoOOV9RBHIYDhv3rwz2iiJWF4cvBAzFtyrSHxJEMXjSulbukLf9dCIFlTFvqwvmac8LVba7REsyfZFDn0D9/hHJNTT2jAA/Psyg6JzkK3aaeio1aiN6b63eQ==' } },
        },
      },
      // A new llama.cpp pod starts beside the old one during a rollout: the quota holds both.
      quota: { requestsCpu: '6', requestsMemory: '20Gi', limitsMemory: '32Gi' },
    },
  },
  services: {
    cloudflared: {
      image: 'docker.io/cloudflare/cloudflared:2024.11.1@sha256:117e6900f11a5d2599ccb5648ff640a8363501308d2e56cfe1e1c01ca5dc3e36',
      replicas: 2,
      args: ['tunnel', '--no-autoupdate', '--metrics', '0.0.0.0:2000', 'run'],
      env: { TUNNEL_TOKEN: { secretKeyRef: { name: 'cloudflared-tunnel', key: 'token' } } },
      // distroless nonroot, the image's own user.
      runAsUser: 65532,
      runAsGroup: 65532,
      fsGroup: 65532,
      resources: { cpuRequest: '50m', memoryRequest: '64Mi', memoryLimit: '128Mi' },
      probes: { liveness: { httpGet: { path: '/ready', port: 2000 }, periodSeconds: 20 } },
      calls: ['echo', 'llamacpp'],
      egress: [{
        name: 'cloudflare-edge',
        // Cloudflare's Tunnel edge (region1/region2.v2.argotunnel.com), QUIC and HTTP/2.
        cidr: '198.41.192.0/19',
        ports: [{ port: 7844, protocol: 'UDP' }, { port: 7844 }, { port: 443 }],
        reason: 'the tunnel connects out to Cloudflare\'s edge; nothing reaches the cluster from outside',
      }, {
        name: 'rkllama',
        namespace: 'rkllama',
        podLabels: { 'app.kubernetes.io/name': 'rkllama' },
        ports: [{ port: 8080 }],
      }, {
        name: 'headlamp',
        namespace: 'headlamp',
        podLabels: HEADLAMP,
        ports: [{ port: 4466 }],
      }],
    },
    echo: {
      image: 'docker.io/ealen/echo-server:0.9.2@sha256:1560015c2db4fd778f49d92aeeac912f22e2b212297a2f40f66e4a5c96079456',
      ports: [{ name: 'http', port: 8080 }],
      env: { PORT: '8080' },
      runAsUser: 65534,
      runAsGroup: 65534,
      fsGroup: 65534,
      resources: { cpuRequest: '10m', memoryRequest: '32Mi', memoryLimit: '64Mi' },
      probes: { readiness: { httpGet: { path: '/', port: 'http' } } },
    },
    // llama.cpp's server on the GPU node. It needs the GPU and nothing else: the device plugin
    // hands the device to the pod, so the pod stays restricted, all capabilities dropped.
    llamacpp: {
      image: 'ghcr.io/ggerganov/llama.cpp:server-cuda-b4273@sha256:a4b4eb734119fe1c345aa0111bac40a1cf521631808a37e9d702b3e190c2b36a',
      ports: [{ name: 'http', port: 8080 }],
      args: ['--model', '/models/qwen2.5-7b-instruct-q4_k_m.gguf', '--host', '0.0.0.0', '--port', '8080', '--n-gpu-layers', '99'],
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      resources: { cpuRequest: '2', memoryRequest: '8Gi', memoryLimit: '12Gi', extended: { 'nvidia.com/gpu': 1 } },
      nodeSelector: { 'nvidia.com/gpu.present': 'true' },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
      probes: {
        readiness: { httpGet: { path: '/health', port: 'http' } },
        startup: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 10, failureThreshold: 60 },
      },
    },
  },
});

export const rkllama = defineApp({
  name: 'rkllama',
  repoURL: DEPLOY_REPO,
  environments: {
    production: {
      namespace: 'rkllama',
      podSecurity: 'privileged',
      podSecurityReason: 'rkllama drives the RK3588 NPU through /dev/dri and /dev/dma_heap, which the Rockchip driver only opens for a privileged container',
      quota: { requestsCpu: '4', requestsMemory: '10Gi', limitsMemory: '20Gi', pods: 4, services: 2, persistentVolumeClaims: 0 },
    },
  },
  services: {
    rkllama: {
      image: 'ghcr.io/notpunchnox/rkllama:0.0.4@sha256:96ebab8c94777ddf788ad2331a80ce8fc42d87d1134cadd6f33f2d435db0f615',
      ports: [{ name: 'http', port: 8080 }],
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      writablePaths: [{ path: '/tmp' }, { path: '/opt/rkllama/models', sizeLimit: '8Gi' }],
      resources: { cpuRequest: '1', memoryRequest: '4Gi', memoryLimit: '8Gi' },
      exceptions: {
        privileged: { reason: 'the Rockchip NPU driver (rknpu) refuses its ioctls to an unprivileged container' },
        devices: [
          { path: '/dev/dri', type: 'Directory', reason: 'the NPU is the render node /dev/dri/renderD129' },
          { path: '/dev/dma_heap', type: 'Directory', reason: 'rkllm allocates the model\'s buffers from the DMA heaps' },
        ],
      },
      probes: { readiness: { httpGet: { path: '/', port: 'http' } } },
      // nginx in front of rkllama, unprivileged: it limits request bodies and times out slow
      // clients before they reach the NPU. rkllama itself listens on 127.0.0.1:8081 only.
      sidecars: [{
        name: 'proxy',
        image: 'docker.io/nginxinc/nginx-unprivileged:1.27.2-alpine@sha256:ff983e1ae73464094e9461e19dd4c38a0cf128e11575460f6acc2d647659b137',
        writablePaths: [{ path: '/tmp' }, { path: '/var/cache/nginx' }],
        resources: { cpuRequest: '50m', memoryRequest: '32Mi', memoryLimit: '64Mi' },
        probes: { readiness: { tcpSocket: { port: 8080 } } },
      }],
      configFiles: [{
        name: 'proxy-conf',
        mountPath: '/etc/nginx/conf.d',
        containers: ['proxy'],
        data: { 'default.conf': 'server {\n  listen 8080;\n  client_max_body_size 1m;\n  proxy_read_timeout 300s;\n  location / { proxy_pass http://127.0.0.1:8081; }\n}\n' },
      }],
      env: { RKLLAMA_HOST: '127.0.0.1', RKLLAMA_PORT: '8081' },
      callers: [{ namespace: 'inference', podLabels: CLOUDFLARED }],
    },
  },
});

export const nodeTuning = defineApp({
  name: 'node-tuning',
  repoURL: DEPLOY_REPO,
  environments: {
    production: {
      namespace: 'kernel-settings',
      podSecurity: 'privileged',
      podSecurityReason: 'kernel-settings writes node-wide kernel parameters and loads the NPU module on every node',
      quota: { requestsCpu: '1', requestsMemory: '1Gi', limitsMemory: '2Gi', pods: 16, services: 1, persistentVolumeClaims: 0 },
    },
  },
  services: {
    // Sets the node's own kernel parameters once per boot and then sleeps. vm.* are not namespaced:
    // no pod `sysctls` entry reaches them, so the privileged container writes them to /proc/sys.
    'kernel-settings': {
      kind: 'DaemonSet',
      image: 'docker.io/library/busybox:1.37.0-musl@sha256:bafe99a34580e0956fd5221b62bad9d15a644a6419d513ea1c4df4846f474990',
      command: ['/bin/sh', '-c', [
        'modprobe -d /host rknpu || true',
        'sysctl -w vm.max_map_count=262144 vm.swappiness=10 vm.overcommit_memory=1',
        'exec sleep 2147483647',
      ].join(' && ')],
      runAsUser: 65534,
      runAsGroup: 65534,
      fsGroup: 65534,
      resources: { cpuRequest: '10m', memoryRequest: '16Mi', memoryLimit: '32Mi' },
      probes: { readiness: { exec: { command: ['/bin/sh', '-c', 'test "$(cat /proc/sys/vm/max_map_count)" = 262144'] } } },
      exceptions: {
        runAsRoot: { reason: 'writing /proc/sys and loading a kernel module take root on the node' },
        privileged: { reason: 'node-wide sysctls (vm.max_map_count for llama.cpp\'s mmapped models) and modprobe need a privileged container' },
        hostPaths: [{ path: '/lib/modules', reason: 'modprobe reads the node\'s kernel modules (rknpu) from here' }],
        sysctls: [
          // Safe (Pod Security baseline's list): needs no reason.
          { name: 'kernel.shm_rmid_forced', value: '1' },
        ],
      },
    },
  },
});

// Headlamp, the cluster dashboard, from its upstream Helm chart: the one chart registry the
// project trusts besides the repo (an exact sourceRepos entry). What the chart renders is not in
// dist/, so it carries its reason; the project's whitelist (Deployment, Service, ServiceAccount)
// and the deployer Argo CD impersonates fence it. The seed's Headlamp was cluster-admin; here its
// own account is bound to nothing (values: clusterRoleBinding.create false) and people sign in
// with their own OIDC token. Reached through the tunnel only; it reaches the API server only.
export const headlamp = defineApp({
  name: 'headlamp',
  repoURL: DEPLOY_REPO,
  environments: { production: { namespace: 'headlamp' } },
  services: {},
  charts: {
    headlamp: {
      repoURL: 'https://kubernetes-sigs.github.io/headlamp',
      chart: 'headlamp',
      version: '0.25.0',
      valueFiles: ['apps/values/headlamp.yaml'],
      kinds: ['Deployment', 'Service', 'ServiceAccount'],
      reason: 'the upstream Headlamp chart; its own account has no rights, people sign in with their OIDC token',
      podLabels: HEADLAMP,
      ports: [{ port: 4466 }],
      callers: [{ namespace: 'inference', podLabels: CLOUDFLARED }],
      kubernetesApiEgress: true,
    },
  },
});
