import { createHash } from 'crypto';
import * as fc from 'fast-check';
import { AppSpec, PlatformSpec } from '../../compiler/app-spec';
import { resolvePlatform } from '../../compiler/platform';
import { identityProblem } from '../../constructs/team-access';
import { internetReach, isInternet, parseCidr, ParsedCidr, reachesPublic } from '../../policy/cidr';
import { credentialInValue, credentialsInArgv, looksLikeCredential } from '../../policy/credentials';
import { reasonProblem } from '../../policy/departures';
import { configMapKeyProblem } from '../../policy/grammar';

/**
 * fast-check arbitraries for app specs: valid ones (every field the spec types know, within what the
 * constructs and the gate admit) and single-field mutations of them. Used by spec-properties.test.ts.
 *
 * Valid specs cover the workload kinds (Deployment by default or spelled, StatefulSet with claims
 * and podManagementPolicy, Job and CronJob with their run fields and no ports, DaemonSet only in
 * apps whose environments are all baseline; replicas or autoscaling for the kinds that scale) and
 * the issue 12 fields: callers by CIDR (private, public, and the internet whole or in halves with a
 * reason on every public range of the app), `ingress` (both controllers; sourceRanges on nginx
 * only), `kubernetesApi` (namespace or cluster scope), environment `access` (users and groups, exec
 * 1-90 days after NOW), environment `secrets` (external from a SecretStore or the allowed
 * ClusterSecretStore, or sealed; services reference their keys) and app `charts`. Not generated:
 * sidecars, initContainers, volumes, configFiles, include and a chart's network fields.
 * TARGETED lists bad values for those fields that must each be refused at their field.
 *
 * Valid specs avoid only what the compiler refuses on purpose: names that collide (each NetworkPolicy
 * rule name `<service>-to-<target>` / `<service>-from-<caller>` is unique because service names never
 * start with `x-` or `ns-`, egress names always start with `x-` and caller namespaces come from a list
 * no service name can spell), reserved namespaces and projects, credentials in literals, requests above
 * limits, and demand above the namespace quota (a quota is written when the defaults would not do).
 */

/**
 * The platform the properties compile against: the tests' own (not apps/platform.ts, which the
 * examples change), with every setting a spec field needs: ingress controllers of both kinds,
 * an API server, OIDC prefixes and one allowed ClusterSecretStore.
 */
export const PLATFORM: PlatformSpec = {
  argoNamespace: 'argocd',
  project: 'platform',
  repoURL: 'https://github.com/acme/cluster-deploy.git',
  clusters: [{ name: 'in-cluster', server: 'https://kubernetes.default.svc' }],
  reservedNamespaces: ['cert-manager', 'monitoring'],
  ingressControllers: [
    { className: 'nginx', controller: 'ingress-nginx', namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
    { className: 'traefik', controller: 'traefik', namespace: 'traefik' },
  ],
  apiServer: { cidrs: ['10.96.0.1/32', '192.168.10.10/32'] },
  oidc: { usernamePrefix: 'oidc:', groupsPrefix: 'oidc:' },
  clusterSecretStores: ['shared-vault'],
};

/**
 * The instant compile and the gate judge exec expiries at (CompileOptions.now): fixed, so that a
 * seed gives the same specs and verdicts on any day. Generated expiries lie 1 to 90 days after it.
 */
export const NOW = new Date('2026-12-01T12:00:00Z');

const RESOLVED = resolvePlatform(PLATFORM);
const Mi = 2 ** 20;

// ---------------------------------------------------------------------------------------------
// Names and small values

const lowerAlnum = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');
const word = (min: number, max: number) => fc.tuple(
  fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'.split('')),
  fc.string({ unit: fc.constantFrom(...lowerAlnum), minLength: min - 1, maxLength: max - 1 }),
).map(([a, b]) => a + b);

/** App names: no `-`, so `{app}-{env}` namespaces and `{app}-{env}` Application names never collide across apps. */
const appName = word(1, 8).filter(n => RESOLVED.reservedProject(n) === undefined && !['kube', 'default', 'argocd'].includes(n));
const envName = fc.oneof(
  fc.constantFrom('production', 'staging', 'dev', 'qa', 'eu-west', 'p1'),
  word(1, 7),
);
const serviceName = fc.oneof(
  { arbitrary: fc.constantFrom('api', 'web', 'worker', 'redis', 'admin', 'queue', 'db-proxy', 'a'), weight: 2 },
  { arbitrary: fc.tuple(word(1, 6), fc.option(word(1, 3), { nil: undefined })).map(([a, b]) => (b ? `${a}-${b}` : a)), weight: 1 },
).filter(n => !n.startsWith('x-') && !n.startsWith('ns-'));
/** Caller namespaces: never a service name (those are at most 10 characters or from the list above). */
const callerNamespace = fc.oneof(
  fc.constantFrom('ingress-nginx', 'monitoring', 'cert-manager', 'team-blue-frontend', 'observability'),
  word(1, 6).map(w => `ns-${w}`),
);
const egressName = word(1, 6).map(w => `x-${w}`);
const dnsName = fc.oneof(fc.constantFrom('shop-database', 'app-env', 'oidc', 'x'), fc.tuple(word(1, 8), fc.option(word(1, 5), { nil: undefined })).map(([a, b]) => (b ? `${a}-${b}` : a)));

/** Strings YAML readers are known to take for something else when written plain: valid content all the same. */
export const TRICKY_STRINGS: readonly string[] = [
  'yes', 'no', 'on', 'off', 'y', 'n', 'Y', 'NO', 'true', 'False', '~', 'null', 'Null', '', ' ', '0o17', '0x1F', '0b101', '012',
  '1e3', '1_000', '1:20', '190:20:30', '.inf', '-.Inf', '.nan', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '<<', '=',
  '- item', '? key', 'a: b', 'a #b', '#c', '[a]', '{a: 1}', '"q"', "'s'", '@at', '`b`', '|', '>', '%TAG', '!tag', '*alias',
  '&anchor', '---', '...', 'tab\there', 'two\nlines', 'trailing\n', ' lead', 'trail ', '\u2028', 'zw\u200bsp', 'rl\u202eo',
  'ünïcödé', '日本語', '🙂', 'nul\u0000x', 'bell\u0007', 'del\u007f', 'back\\slash', 'https://example.com/path?q=1&r=2',
];

const safeLiteral = fc.oneof(
  { arbitrary: fc.constantFrom('info', 'debug', 'redis:6379', 'smtp.mail.example.net', 'production', '8080', 'https://api.example.com/v1'), weight: 3 },
  { arbitrary: fc.constantFrom(...TRICKY_STRINGS), weight: 3 },
  { arbitrary: fc.string({ maxLength: 20 }), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 12 }), weight: 1 },
).filter(v => credentialInValue(v) === undefined);

const envVarName = fc.oneof(
  fc.constantFrom('LOG_LEVEL', 'APP_ENV', 'PORT', 'REDIS_ADDR', 'FEATURE_FLAGS', 'AWS_ACCESS_KEY_ID', 'PUBLIC_KEY', 'PASSWORD_FILE', '_X', 'yes', 'ON', 'y'),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/),
);
const literalName = envVarName.filter(n => !looksLikeCredential(n));

const labelKey = fc.oneof(fc.constantFrom('app.kubernetes.io/name', 'team', 'example.com/role', 'tier'), word(1, 8));
const labelValue = fc.oneof(
  fc.constantFrom('ingress-nginx', 'frontend', 'yes', 'no', 'on', 'off', 'true', 'null', 'Null', '0o17', '0x1F', '1e3', '012', '1.5', 'y', 'N', '', '1_000', 'a.b_c-d'),
  fc.stringMatching(/^[a-zA-Z0-9]([a-zA-Z0-9._-]{0,10}[a-zA-Z0-9])?$/),
);
const labels = fc.uniqueArray(fc.tuple(labelKey, labelValue), { selector: ([k]) => k, minLength: 1, maxLength: 2 })
  .map(entries => Object.fromEntries(entries));

const reason = fc.oneof(
  fc.constantFrom(
    'clients and the upstream health check expect :80 on the pod itself',
    'the vendor image writes its pid file next to the binary',
    'legacy agent that chowns its data directory at start',
    'yes: this really is needed (ticket OPS-1234)',
  ),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ,.:;'()-]{14,60}[A-Za-z0-9.)]$/),
).filter(r => reasonProblem(r) === undefined);

// ---------------------------------------------------------------------------------------------
// Services

const hex = '0123456789abcdef'.split('');
const image = fc.record({
  registry: fc.constantFrom('', 'ghcr.io/', 'docker.io/', 'quay.io/', 'registry.example.com:5000/', 'localhost:5000/', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/'),
  path: fc.array(fc.stringMatching(/^[a-z0-9]+([._-][a-z0-9]+)?$/), { minLength: 1, maxLength: 3 }).map(p => p.join('/')),
  tag: fc.option(fc.oneof(fc.constantFrom('1.27.2-alpine', 'latest', 'v2', '0o17', 'yes', '1e3'), fc.stringMatching(/^\w[\w.-]{0,20}$/)), { nil: undefined }),
  digest: fc.string({ unit: fc.constantFrom(...hex), minLength: 64, maxLength: 64 }),
}).map(i => `${i.registry}${i.path}${i.tag !== undefined ? `:${i.tag}` : ''}@sha256:${i.digest}`);

interface Port { name: string; port: number; protocol?: 'TCP' | 'UDP'; servicePort?: number }
const portNumber = fc.oneof(fc.constantFrom(80, 443, 8080, 3000, 6379, 5432, 53, 1, 65535), fc.integer({ min: 1, max: 65535 }));
const port = fc.record({
  name: fc.oneof(fc.constantFrom('http', 'https', 'grpc', 'metrics', 'dns', 'redis', 'h2c-alt'), fc.stringMatching(/^[a-z]{1,7}(-[a-z0-9]{1,6})?$/)),
  port: portNumber,
  protocol: fc.constantFrom('TCP', 'UDP'),
  servicePort: portNumber,
}, { requiredKeys: ['name', 'port'] });
/** Ports with the uniqueness HardenedDeployment asks for (name, port per protocol, service port per protocol). */
const ports = fc.uniqueArray(port, { selector: p => p.name, maxLength: 3 }).filter(list => {
  const seen = new Set<string>();
  for (const p of list as Port[]) {
    const proto = p.protocol ?? 'TCP';
    for (const key of [`name:${p.name}`, `port:${p.port}/${proto}`, `service port:${p.servicePort ?? p.port}/${proto}`]) {
      if (seen.has(key)) return false;
      seen.add(key);
    }
  }
  return true;
});

const argvItem = fc.oneof(
  fc.constantFrom('/app/server', 'redis-server', '--save', '', '--appendonly', 'no', '--port=8080', '--log-level=info', '-v', 'sh', '-c', 'exec "$0"', '$(PORT)', '--password=$(DB_PASSWORD)', '--token-file=/run/token'),
  fc.constantFrom(...TRICKY_STRINGS),
  fc.string({ maxLength: 15 }),
);
const argv = fc.array(argvItem, { minLength: 1, maxLength: 4 });

const envRef = fc.record({ name: dnsName, key: fc.oneof(fc.constantFrom('url', 'password', 'tls.crt', 'yes', '0o17', 'a_b-c.d'), fc.stringMatching(/^[-._a-zA-Z0-9]{1,12}$/)) });
const env = fc.uniqueArray(fc.oneof(
  { arbitrary: fc.tuple(literalName, safeLiteral), weight: 3 },
  { arbitrary: fc.tuple(envVarName, envRef.map(r => ({ secretKeyRef: r }))), weight: 1 },
  { arbitrary: fc.tuple(literalName, envRef.map(r => ({ configMapKeyRef: r }))), weight: 1 },
  { arbitrary: fc.tuple(fc.constantFrom('DB_PASSWORD', 'API_TOKEN', 'SECRET_KEY_BASE', 'dbPassword', 'PGPASSWORD'), envRef.map(r => ({ secretKeyRef: r }))), weight: 1 },
), { selector: ([k]) => k, minLength: 1, maxLength: 4 }).map(entries => Object.fromEntries(entries));

const envFrom = fc.array(fc.oneof(dnsName.map(secretRef => ({ secretRef })), dnsName.map(configMapRef => ({ configMapRef }))), { minLength: 1, maxLength: 2 });

const cpu = (m: number) => (m % 100 === 0 ? fc.constantFrom(`${m}m`, String(m / 1000)) : fc.constant(`${m}m`));
const mem = (mi: number) => (mi % 1024 === 0 ? fc.constantFrom(`${mi}Mi`, `${mi / 1024}Gi`, String(mi * Mi)) : fc.constantFrom(`${mi}Mi`, String(mi * Mi)));

/** Resources with requests at most limits (defaults: 100m, 128Mi requests; 256Mi memory limit), and the numbers behind them. */
const resources = fc.record({
  cpuRequest: fc.option(fc.integer({ min: 1, max: 10 }).map(n => n * 50), { nil: undefined }),
  cpuLimitExtra: fc.option(fc.integer({ min: 0, max: 10 }).map(n => n * 100), { nil: undefined }),
  memRequest: fc.option(fc.integer({ min: 1, max: 16 }).map(n => n * 32), { nil: undefined }),
  memLimitExtra: fc.option(fc.integer({ min: 0, max: 16 }).map(n => n * 64), { nil: undefined }),
}).chain(r => {
  const cpuRequest = r.cpuRequest ?? 100;
  const memLimit = r.memLimitExtra !== undefined ? (r.memRequest ?? 128) + r.memLimitExtra : 256;
  const memRequest = r.memLimitExtra === undefined ? Math.min(r.memRequest ?? 128, 256) : (r.memRequest ?? 128);
  return fc.record({
    cpuRequest: r.cpuRequest !== undefined ? cpu(r.cpuRequest).map(s => s as string | undefined) : fc.constant(undefined),
    cpuLimit: r.cpuLimitExtra !== undefined ? cpu(cpuRequest + r.cpuLimitExtra).map(s => s as string | undefined) : fc.constant(undefined),
    memoryRequest: r.memRequest !== undefined ? mem(memRequest).map(s => s as string | undefined) : fc.constant(undefined),
    memoryLimit: r.memLimitExtra !== undefined ? mem(memLimit).map(s => s as string | undefined) : fc.constant(undefined),
  }).map(spec => ({ spec: clean(spec), cpu: cpuRequest / 1000, memory: memRequest * Mi, memoryLimit: memLimit * Mi }));
});

const writablePaths = fc.uniqueArray(fc.record({
  path: fc.oneof(
    fc.constantFrom('/tmp', '/tmp/', '/var/run', '/var-run', '/var//cache/nginx', '/data', '/app/storage/framework', '/run', '/home/app/.cache', '/yes', '/0o17'),
    fc.array(fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,7}$/), { minLength: 1, maxLength: 3 }).map(s => `/${s.join('/')}`),
  ),
  sizeLimit: fc.constantFrom('64Mi', '1Gi', '10Gi', '500M', '10737418240', '0.5Gi', '1', '128Mi'),
}, { requiredKeys: ['path'] }), { selector: w => w.path.replace(/\/+/g, '/').replace(/(.)\/$/, '$1'), maxLength: 3 });

const probe = (portNames: string[]) => {
  const portRef = portNames.length ? fc.oneof(fc.constantFrom(...portNames), portNumber) : portNumber;
  return fc.record({
    check: fc.oneof(
      fc.record({ path: fc.constantFrom('/healthz', '/readyz', '/', '/up?full=1', '/yes'), port: portRef }).map(httpGet => ({ httpGet })),
      portRef.map(p => ({ tcpSocket: { port: p } })),
      fc.array(fc.constantFrom('redis-cli', 'ping', '/worker', 'healthcheck', 'yes', '0o17'), { minLength: 1, maxLength: 3 }).map(command => ({ exec: { command } })),
    ),
    initialDelaySeconds: fc.integer({ min: 0, max: 3600 }),
    periodSeconds: fc.integer({ min: 1, max: 3600 }),
    timeoutSeconds: fc.integer({ min: 1, max: 3600 }),
    failureThreshold: fc.integer({ min: 1, max: 100 }),
  }, { requiredKeys: ['check'] }).map(({ check, ...timing }) => ({ ...check, ...timing }));
};

const id = fc.oneof(fc.constantFrom(1, 101, 999, 65532, 2 ** 31 - 1), fc.integer({ min: 1, max: 2 ** 31 - 1 }));
const BASELINE_CAPABILITIES = ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];

const exceptions = (baseline: boolean) => fc.record({
  capabilities: fc.uniqueArray(fc.record({
    capability: baseline ? fc.constantFrom('NET_BIND_SERVICE', 'CAP_NET_BIND_SERVICE', 'net_bind_service', ...BASELINE_CAPABILITIES) : fc.constantFrom('NET_BIND_SERVICE', 'CAP_NET_BIND_SERVICE', 'net_bind_service'),
    reason,
  }), { selector: c => c.capability.toUpperCase().replace(/^CAP_/, ''), minLength: 1, maxLength: 3 }),
  writableRootFilesystem: reason.map(r => ({ reason: r })),
  ...(baseline ? { runAsRoot: reason.map(r => ({ reason: r })) } : {}),
}, { requiredKeys: [] });

const privateCidr = fc.oneof(
  fc.integer({ min: 0, max: 255 }).map(a => `10.${a}.0.0/16`),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })).map(([a, b]) => `10.${a}.${b}.0/24`),
  fc.tuple(fc.integer({ min: 16, max: 31 }), fc.integer({ min: 0, max: 255 })).map(([a, b]) => `172.${a}.${b}.0/24`),
  fc.integer({ min: 0, max: 255 }).map(b => `192.168.${b}.0/24`),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })).map(([a, b, c]) => `10.${a}.${b}.${c}/32`),
);
const networkPorts = fc.uniqueArray(fc.record({ port: portNumber, protocol: fc.constantFrom('TCP', 'UDP') }, { requiredKeys: ['port'] }),
  { selector: p => `${p.port}/${p.protocol ?? 'TCP'}`, minLength: 1, maxLength: 2 });
const egress = fc.uniqueArray(fc.record({
  name: egressName,
  peer: fc.oneof(
    privateCidr.map(cidr => ({ cidr })),
    fc.record({ namespace: fc.oneof(callerNamespace, dnsName), podLabels: labels }, { requiredKeys: ['namespace'] }),
  ),
  ports: networkPorts,
}), { selector: d => d.name, minLength: 1, maxLength: 2 }).map(list => list.map(({ name, peer, ports: p }) => ({ name, ...peer, ports: p })));

// ---------------------------------------------------------------------------------------------
// Issue 12 fields: callers by CIDR, ingress, kubernetesApi, secrets, access, charts

const isPublic = (cidr: string) => {
  const parsed = parseCidr(cidr);
  return typeof parsed !== 'string' && reachesPublic(internetReach([parsed.range]));
};
const publicCidr = fc.oneof(
  fc.integer({ min: 0, max: 255 }).map(n => `203.0.113.${n}/32`),
  fc.constantFrom('198.51.100.0/24', '192.0.2.0/28', '8.8.8.8/32', '2001:db8::/48', '2001:db8:1234::/64', '2a00:1450::1/128', '100.64.0.0/10'),
);
/** The internet, spelled whole or in parts (each part then needs its reason). */
const INTERNET: readonly string[][] = [['0.0.0.0/0'], ['::/0'], ['0.0.0.0/1', '128.0.0.0/1'], ['0.0.0.0/0', '::/0']];
/** Callers by address: a few ranges, or the internet with a reason on each range. */
const cidrCallers = fc.oneof(
  { arbitrary: fc.uniqueArray(fc.oneof(privateCidr, publicCidr), { minLength: 1, maxLength: 2 }).map(list => list.map(cidr => ({ cidr }))), weight: 4 },
  { arbitrary: fc.tuple(fc.constantFrom(...INTERNET), reason).map(([list, r]) => list.map(cidr => ({ cidr, reason: r }))), weight: 1 },
);

const hostName = fc.tuple(word(1, 8), fc.option(word(1, 4), { nil: undefined }), fc.constantFrom('example.com', 'acme.io', 'shop.example.net', 'xn--bcher-kva.example'))
  .map(([a, b, domain]) => [a, b, domain].filter(Boolean).join('.'));
const pathPrefix = fc.oneof(
  fc.constantFrom('/', '/api', '/api/', '/v1/users', '/.well-known/acme', '/static~1', '/a_b-c.d'),
  fc.array(fc.stringMatching(/^[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,7}$/), { minLength: 1, maxLength: 3 }).map(s => `/${s.join('/')}`),
);
const tlsSecret = fc.tuple(word(1, 8), fc.constantFrom('-tls', '-cert', '.example-tls')).map(([a, b]) => a + b);
const ingressTls = fc.oneof(
  tlsSecret.map(secretName => ({ secretName })),
  fc.record({
    issuer: fc.constantFrom('letsencrypt-prod', 'letsencrypt-staging', 'internal-ca', 'acme.example'),
    issuerKind: fc.constantFrom('ClusterIssuer', 'Issuer'),
    secretName: tlsSecret,
  }, { requiredKeys: ['issuer'] }),
);
/** An ingress for a service with `tcp` ports (their names): each host once across the app is not asked for by the compiler. */
const ingressFor = (tcp: string[]) => fc.record({
  host: hostName,
  paths: fc.uniqueArray(pathPrefix.filter(q => !/\/\.\.?(\/|$)/.test(q) && !q.includes('//')), { selector: q => (q.length > 1 ? q.replace(/\/+$/, '') : q), minLength: 1, maxLength: 3 }),
  className: fc.constantFrom('nginx', 'traefik'),
  tls: ingressTls,
  sourceRanges: fc.uniqueArray(fc.oneof(privateCidr, publicCidr), { minLength: 1, maxLength: 3 }),
  port: fc.constantFrom(...tcp),
}, { requiredKeys: ['host', 'className', 'tls'] })
  // Traefik cannot enforce sourceRanges from an Ingress: refused, so never generated with it.
  .map(i => (i.className === 'traefik' ? { ...i, sourceRanges: undefined } : i));

const NAMESPACED_READS = ['pods', 'pods/log', 'configmaps', 'services', 'endpoints', 'events', 'apps/deployments', 'apps/statefulsets', 'apps/replicasets',
  'apps/daemonsets', 'batch/jobs', 'batch/cronjobs', 'events.k8s.io/events', 'discovery.k8s.io/endpointslices', 'networking.k8s.io/ingresses',
  'persistentvolumeclaims', 'autoscaling/horizontalpodautoscalers', 'policy/poddisruptionbudgets', 'serviceaccounts'];
const CLUSTER_READS = ['nodes', 'namespaces', 'storage.k8s.io/storageclasses'];
const kubernetesApi = fc.constantFrom('namespace' as const, 'cluster' as const).chain(scope => fc.record({
  access: fc.constant('read' as const),
  resources: fc.uniqueArray(fc.constantFrom(...NAMESPACED_READS, ...(scope === 'cluster' ? CLUSTER_READS : [])), { minLength: 1, maxLength: 4 }),
  scope: fc.constant(scope),
  reason,
}));

// StatefulSet claims: names no writable path's volume takes (those start with "writable-").
const volumeClaims = fc.uniqueArray(fc.record({
  name: fc.constantFrom('data', 'wal', 'cache', 'logs', 'db-0'),
  size: fc.constantFrom('1Gi', '10Gi', '512Mi', '100M', '1', '0.5Gi'),
  storageClassName: fc.constantFrom('standard', 'fast-ssd', 'gp3'),
  accessMode: fc.constantFrom('ReadWriteOnce', 'ReadWriteOncePod', 'ReadOnlyMany', 'ReadWriteMany'),
}, { requiredKeys: ['name', 'size'] }), { selector: c => c.name, minLength: 1, maxLength: 2 })
  .map(claims => claims.map(c => ({ ...c, mountPath: `/var/lib/claims/${c.name}` })));
const autoscaling = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 2 }), fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }))
  .map(([min, extra, cpu]) => clean({ minReplicas: min, maxReplicas: min + extra, cpuUtilization: cpu }));
const jobFields = {
  backoffLimit: fc.integer({ min: 0, max: 100 }),
  activeDeadlineSeconds: fc.integer({ min: 1, max: 7 * 24 * 3600 }),
  ttlSecondsAfterFinished: fc.integer({ min: 0, max: 7 * 24 * 3600 }),
  restartPolicy: fc.constantFrom('Never', 'OnFailure'),
};
const cronFields = {
  schedule: fc.constantFrom('0 3 * * *', '*/15 * * * MON-FRI', '@daily', '@hourly', '@weekly', '30 2 1 * *', '0 0 * * 0', '5,35 */2 * * *', '0 9-17 * * 1-5'),
  timeZone: fc.constantFrom('Europe/Berlin', 'Etc/UTC', 'America/New_York', 'Asia/Kolkata'),
  concurrencyPolicy: fc.constantFrom('Forbid', 'Allow', 'Replace'),
  successfulJobsHistoryLimit: fc.integer({ min: 0, max: 100 }),
  failedJobsHistoryLimit: fc.integer({ min: 0, max: 100 }),
  startingDeadlineSeconds: fc.integer({ min: 10, max: 86400 }),
};

/** A Secret an app's environments may deliver: its name (never one `dnsName` spells: two `-`) and keys (with those its type needs). */
interface SecretPlan { name: string; keys: string[]; type?: string }
const secretKey = fc.oneof(
  fc.constantFrom('password', 'username', 'url', 'api_key', 'token-1', '.env', 'yes', '0o17', 'ca.crt'),
  fc.stringMatching(/^[-._a-zA-Z0-9]{1,12}$/),
).filter(k => configMapKeyProblem(k) === undefined);
const secretPlans = fc.uniqueArray(fc.record({
  name: fc.tuple(word(1, 5), word(1, 4)).map(([a, b]) => `${a}-sec-${b}`),
  type: fc.constantFrom(undefined, 'Opaque', 'kubernetes.io/tls', 'kubernetes.io/basic-auth', 'kubernetes.io/ssh-auth'),
  keys: fc.uniqueArray(secretKey, { minLength: 1, maxLength: 3 }),
}), { selector: s => s.name, maxLength: 2 }).map(list => list.map((s): SecretPlan => {
  const needed = s.type === 'kubernetes.io/tls' ? ['tls.crt', 'tls.key'] : s.type === 'kubernetes.io/basic-auth' ? ['password'] : s.type === 'kubernetes.io/ssh-auth' ? ['ssh-privatekey'] : [];
  return clean({ name: s.name, type: s.type, keys: [...new Set([...s.keys, ...needed])] });
}));

/**
 * A value shaped like kubeseal's output (2-byte RSA length 256, the RSA block, an AES-GCM body
 * and tag, base64), made from a hash of where it is sealed for: support/seal.ts `sealed()` draws a
 * random session key, and a replayed seed must give the same spec. The compiler and the gate check
 * the shape only (they hold no private key).
 */
function sealedValue(namespace: string, name: string, key: string): string {
  const blocks: Buffer[] = [];
  for (let i = 0; blocks.length * 32 < 256 + 24 + 16; i++) blocks.push(createHash('sha256').update(`${namespace}/${name}/${key}/${i}`).digest());
  const body = Buffer.concat(blocks).subarray(0, 256 + 24 + 16);
  return Buffer.concat([Buffer.from([1, 0]), body]).toString('base64');
}

/** How one environment delivers a planned Secret: from a store (its own, or the platform's ClusterSecretStore) or sealed. */
const secretSource = fc.oneof(
  fc.record({
    store: fc.oneof(fc.constantFrom('openbao', 'vault.internal', 'aws-sm').map(store => ({ store })), fc.constant({ store: 'shared-vault', storeKind: 'ClusterSecretStore' })),
    storeKindSpelled: fc.boolean(),
    refreshInterval: fc.option(fc.constantFrom('1h', '15m', '1h30m', '0s', '1m', '24h', '90s', '0'), { nil: undefined }),
    remoteKey: fc.constantFrom('shop/db', 'app/prod/api', 'kv/data/x', 'arn:aws:secretsmanager:eu-west-1:123:secret:db', 'yes'),
    property: fc.option(fc.constantFrom('password', 'value', '0o17', 'a.b'), { nil: undefined }),
  }).map(e => ({ external: e })),
  fc.constant({ sealed: true as const }),
);
type SecretSourcePlan = { external: { store: { store: string; storeKind?: string }; storeKindSpelled: boolean; refreshInterval?: string; remoteKey: string; property?: string } } | { sealed: true };

function secretSpec(plan: SecretPlan, source: SecretSourcePlan, namespace: string): Record<string, unknown> {
  if ('sealed' in source) {
    return { sealed: clean({ encryptedData: Object.fromEntries(plan.keys.map(k => [k, sealedValue(namespace, plan.name, k)])), type: plan.type }) };
  }
  const e = source.external;
  return {
    external: clean({
      store: e.store.store,
      storeKind: e.store.storeKind ?? (e.storeKindSpelled ? 'SecretStore' : undefined),
      refreshInterval: e.refreshInterval,
      data: plan.keys.map(key => clean({ key, remoteKey: e.remoteKey, property: e.property })),
      type: plan.type,
    }),
  };
}

const DAY = 24 * 3600 * 1000;
const identity = fc.oneof(
  fc.constantFrom('alice@example.com', 'bob.smith@acme.io', 'shop-oncall', 'team:payments', 'ops/eu', 'José', 'CN=ops,OU=x', 'yes', '0o17'),
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._@:+-]{0,20}$/),
).filter(n => identityProblem(n, 'user') === undefined);
const access = fc.uniqueArray(fc.record({
  who: fc.tuple(fc.constantFrom('user', 'group'), identity),
  role: fc.constantFrom('viewer', 'operator'),
  exec: fc.record({ reason, days: fc.integer({ min: 1, max: 90 }) }),
}, { requiredKeys: ['who', 'role'] }), { selector: a => a.who.join('\0'), minLength: 1, maxLength: 3 })
  .map(list => list.map(({ who: [kind, name], role, exec }) => clean({
    [kind]: name, role,
    exec: exec && { reason: exec.reason, expires: new Date(NOW.getTime() + exec.days * DAY).toISOString().slice(0, 10) },
  })));

const CHART_SOURCES = [
  { repoURL: 'https://charts.jetstack.io', chart: 'cert-manager' },
  { repoURL: 'https://prometheus-community.github.io/helm-charts', chart: 'kube-state-metrics' },
  { repoURL: 'https://charts.bitnami.com/bitnami', chart: 'redis' },
  { repoURL: 'oci://ghcr.io/acme/charts', chart: 'podinfo' },
  { repoURL: 'oci://registry.example.com:5000/helm', chart: 'x1' },
];
const semver = fc.oneof(
  fc.constantFrom('1.14.4', 'v1.14.4', '2.0.0-rc.1', '1.2.3+build.5', '0.0.1', '10.20.30-alpha.beta-1'),
  fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20)).map(([a, b, c]) => `${a}.${b}.${c}`),
);
const CHART_KINDS = ['Deployment', 'StatefulSet', 'Service', 'ServiceAccount', 'ConfigMap', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'Job', 'CronJob',
  'Ingress', 'ExternalSecret', 'SealedSecret'];
/** Charts by name; chart names are never `<env>-<name>` of another environment (`eu-west` is the one listed env with a `-`). */
const charts = (envs: string[], baseline: boolean) => fc.uniqueArray(fc.tuple(
  fc.constantFrom('cert-manager', 'metrics', 'redis', 'podinfo', 'c1'),
  fc.record({
    source: fc.constantFrom(...CHART_SOURCES),
    version: fc.oneof(semver, fc.string({ unit: fc.constantFrom(...hex), minLength: 64, maxLength: 64 }).map(d => `sha256:${d}`)),
    valueFiles: fc.uniqueArray(fc.constantFrom('values.yaml', 'charts/redis/values.yaml', 'env/prod-values.yaml', 'a_b/c~d.yml'), { minLength: 1, maxLength: 2 }),
    environments: fc.subarray(envs, { minLength: 1 }),
    kinds: fc.uniqueArray(fc.constantFrom(...CHART_KINDS, ...(baseline ? ['DaemonSet'] : [])), { minLength: 1, maxLength: 4 }),
    reason,
  }, { requiredKeys: ['source', 'version', 'reason'] }),
), { selector: ([n]) => n, minLength: 1, maxLength: 2 }).map(list => Object.fromEntries(list.map(([name, { source, version, ...rest }]) => [name, clean({
  ...source,
  // A digest pins an OCI chart only.
  version: version.startsWith('sha256:') && !source.repoURL.startsWith('oci://') ? '1.0.0' : version,
  ...rest,
})])));

/**
 * `arb` in one generated value of `n` (else undefined). A record's optional key is present 5 times
 * in 6; the fields that add objects to every environment (roles, bindings, policies, Applications)
 * are drawn less often, so that a compile costs about what it did before they were generated.
 */
const oneIn = <T>(n: number, arb: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(undefined), weight: n - 1 }, { arbitrary: arb, weight: 1 });

/** One service, before its calls are chosen; `demand` is what one pod asks of the quota. */
interface ServiceDraft {
  spec: Record<string, any>;
  demand: { cpu: number; memory: number; memoryLimit: number };
}

type Kind = 'Deployment' | 'StatefulSet' | 'Job' | 'CronJob' | 'DaemonSet';
/** The kind, spelled out or left to its default; a DaemonSet only where every environment is above restricted. */
const kindOf = (baseline: boolean) => fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 4 },
  { arbitrary: fc.constantFrom<Kind>('Deployment', 'StatefulSet', 'Job', 'CronJob', ...(baseline ? ['DaemonSet' as const] : [])), weight: 4 },
);

const service = (envs: string[], baseline: boolean, secrets: SecretPlan[]): fc.Arbitrary<ServiceDraft> => kindOf(baseline).chain(kind => {
  const k = kind ?? 'Deployment';
  const scaled = k === 'Deployment' || k === 'StatefulSet';
  const runs = k === 'Job' || k === 'CronJob';
  return (runs ? fc.constant([] as Port[]) : ports).chain(p => {
    const tcp = p.filter(x => (x.protocol ?? 'TCP') === 'TCP').map(x => x.name);
    return fc.record({
      image,
      replicas: fc.oneof(
        fc.integer({ min: 0, max: 3 }),
        fc.subarray(envs).chain(keys => fc.tuple(...keys.map(() => fc.integer({ min: 0, max: 3 }))).map(n => Object.fromEntries(keys.map((key, i) => [key, n[i]])))),
      ),
      autoscaling,
      // checkString: a command item is never empty, an argument may be.
      command: argv.map(items => items.map(c => c || 'sh')),
      args: argv,
      env,
      secretEnv: secrets.length ? fc.tuple(fc.constantFrom('DB_PASSWORD', 'TLS_KEY', 'TOKEN', 'X'), fc.constantFrom(...secrets))
        .chain(([name, s]) => fc.constantFrom(...s.keys).map(key => [name, { secretKeyRef: { name: s.name, key } }] as const)) : fc.constant(undefined),
      envFrom,
      resources,
      writablePaths,
      probes: fc.record({ readiness: probe(p.map(x => x.name)), liveness: probe(p.map(x => x.name)), startup: probe(p.map(x => x.name)) }, { requiredKeys: [] }),
      runAsUser: id,
      runAsGroup: id,
      fsGroup: id,
      exceptions: exceptions(baseline),
      callers: p.length ? fc.tuple(
        fc.uniqueArray(fc.record({ namespace: callerNamespace, podLabels: labels }, { requiredKeys: ['namespace'] }), { selector: c => c.namespace, maxLength: 2 }),
        oneIn(3, cidrCallers),
      ).map(([byNamespace, byCidr]) => [...byNamespace, ...(byCidr ?? [])]).filter(list => list.length > 0) : fc.constant(undefined),
      // Each rule is a NetworkPolicy per environment, the bulk of a compile's objects: drawn in half the services.
      egress: oneIn(2, egress),
      ingress: tcp.length ? oneIn(3, ingressFor(tcp)) : fc.constant(undefined),
      kubernetesApi: oneIn(5, kubernetesApi),
      volumeClaimTemplates: k === 'StatefulSet' ? volumeClaims : fc.constant(undefined),
      podManagementPolicy: k === 'StatefulSet' ? fc.constantFrom('OrderedReady', 'Parallel') : fc.constant(undefined),
      ...(runs ? jobFields : {}),
      ...(k === 'CronJob' ? cronFields : {}),
    }, { requiredKeys: ['image', ...(k === 'CronJob' ? ['schedule' as const] : [])] })
      .filter(s => credentialsInArgv([...(s.command ?? []), ...(s.args ?? [])]).length === 0)
      // A claim's mount is not also a writable path (the pod refuses one path for two volumes).
      .filter(s => !(s.volumeClaimTemplates ?? []).some(c => (s.writablePaths ?? []).some(w => w.path.replace(/\/+/g, '/').replace(/(.)\/$/, '$1') === c.mountPath)))
      .map((s): ServiceDraft => {
        const { resources: r, secretEnv, replicas, autoscaling: a, ...rest } = s;
        return {
          // Undefined fields are dropped when the app is copied (assemble).
          spec: {
            kind, ...rest,
            // Replicas or an autoscaler, for the kinds that scale.
            ...(scaled ? (a !== undefined && replicas === undefined ? { autoscaling: a } : { replicas }) : {}),
            env: secretEnv ? { ...rest.env, [secretEnv[0]]: secretEnv[1] } : rest.env,
            ports: p.length ? p : undefined,
            resources: r && Object.keys(r.spec).length ? r.spec : undefined,
          },
          demand: r ? { cpu: r.cpu, memory: r.memory, memoryLimit: r.memoryLimit } : { cpu: 0.1, memory: 128 * Mi, memoryLimit: 256 * Mi },
        };
      });
  });
});

// ---------------------------------------------------------------------------------------------
// Apps

const exactNamespace = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
const QUOTA_DEFAULTS = { cpu: 4, memory: 8 * 2 ** 30, memoryLimit: 16 * 2 ** 30, pods: 50, services: 20, pvcs: 10 };

/** A valid app spec, given its name (distinct names are the caller's business). */
export const appSpec = (name: string): fc.Arbitrary<AppSpec> => fc.record({
  envs: fc.uniqueArray(envName, { minLength: 1, maxLength: 2 }),
  allBaseline: fc.boolean(),
  repoURL: fc.constantFrom('https://github.com/acme/cluster-deploy.git', 'https://gitlab.example.com/platform/deploy', 'git@github.com:acme/deploy.git'),
  targetRevision: fc.constantFrom('main', 'v1.2.3', 'release-1', 'HEAD', 'yes', '0o17'),
  extraSourceRepo: fc.constantFrom('https://github.com/acme/other.git', 'https://github.com/acme/*'),
  cluster: fc.constant(PLATFORM.clusters![0]),
  secrets: secretPlans,
}, { requiredKeys: ['envs', 'allBaseline', 'repoURL', 'secrets'] }).chain(base => fc.record({
  environments: fc.tuple(...base.envs.map(() => fc.record({
    namespace: exactNamespace,
    podSecurity: fc.constantFrom('restricted' as const, 'baseline' as const),
    podSecurityReason: reason,
    quotaHeadroom: fc.integer({ min: 0, max: 3 }),
    explicitQuota: fc.boolean(),
    pvcHeadroom: fc.integer({ min: 0, max: 3 }),
    access: oneIn(3, access),
    // Each planned Secret: not delivered here, or delivered by one of the sources.
    secrets: fc.tuple(...base.secrets.map(() => fc.option(secretSource, { nil: undefined, freq: 2 }))),
  }, { requiredKeys: ['quotaHeadroom', 'explicitQuota', 'pvcHeadroom', 'secrets'] }))),
  services: fc.uniqueArray(fc.tuple(serviceName, service(base.envs, base.allBaseline, base.secrets)), { selector: ([n]) => n, minLength: 1, maxLength: 4 }),
  charts: oneIn(4, charts(base.envs, base.allBaseline)),
}).chain(({ environments, services, charts: c }) => {
  const withPorts = services.filter(([, s]) => s.spec.ports).map(([n]) => n);
  return fc.tuple(...services.map(([n]) => {
    const targets = withPorts.filter(t => t !== n);
    return targets.length ? fc.option(fc.subarray(targets, { minLength: 1 }), { nil: undefined }) : fc.constant(undefined);
  })).map(calls => assemble(name, base, environments, services, calls, c));
})).filter(distinctRuleNames);

/**
 * Whether the NetworkPolicy rules the compiler derives have distinct names. Two spellings can meet:
 * service `ab-to` calling `x` and service `ab` calling `to-x` both give `ab-to-to-x`; the compiler
 * refuses that (one name, two rules), so a valid spec avoids it.
 */
function distinctRuleNames(app: AppSpec): boolean {
  const names: string[] = [];
  for (const [name, s] of Object.entries(app.services)) {
    for (const c of s.callers ?? []) names.push(`ingress:${name}-from-${c.namespace}`);
    for (const t of s.calls ?? []) names.push(`egress:${name}-to-${t}`, `ingress:${t}-from-${name}`);
    for (const d of s.egress ?? []) names.push(`egress:${name}-to-${d.name}`);
  }
  return new Set(names).size === names.length;
}

/** What one service puts in an environment's quota, by kind (as policy/quota.ts counts it). */
function footprint(s: ServiceDraft, env: string): { pods: number; services: number; pvcs: number } {
  const kind: Kind = s.spec.kind ?? 'Deployment';
  const r = s.spec.replicas;
  const replicas = s.spec.autoscaling ? s.spec.autoscaling.maxReplicas : typeof r === 'number' ? r : Object.hasOwn(r ?? {}, env) ? r[env] : 1;
  const pods = kind === 'Deployment' ? replicas + Math.ceil(replicas * 0.25) : kind === 'StatefulSet' ? replicas : 1;
  // A StatefulSet always has its headless Service; a Deployment and a DaemonSet one when they have ports.
  const services = kind === 'StatefulSet' || ((kind === 'Deployment' || kind === 'DaemonSet') && s.spec.ports) ? 1 : 0;
  return { pods, services, pvcs: kind === 'StatefulSet' ? (s.spec.volumeClaimTemplates?.length ?? 0) * replicas : 0 };
}

function assemble(name: string, base: any, environments: any[], services: [string, ServiceDraft][], calls: (string[] | undefined)[],
  appCharts: Record<string, any> | undefined): AppSpec {
  const envs: Record<string, any> = {};
  base.envs.forEach((env: string, i: number) => {
    const e = environments[i];
    const demand = { cpu: 0, memory: 0, memoryLimit: 0, pods: 0, services: 0, pvcs: 0 };
    for (const [, s] of services) {
      const f = footprint(s, env);
      demand.pods += f.pods;
      demand.cpu += f.pods * s.demand.cpu;
      demand.memory += f.pods * s.demand.memory;
      demand.memoryLimit += f.pods * s.demand.memoryLimit;
      demand.services += f.services;
      demand.pvcs += f.pvcs;
    }
    const fits = (Object.keys(QUOTA_DEFAULTS) as (keyof typeof demand)[]).every(k => demand[k] <= QUOTA_DEFAULTS[k]);
    const h = e.quotaHeadroom;
    // Services use baseline exceptions only when every environment is baseline.
    const baseline = base.allBaseline || e.podSecurity === 'baseline';
    const namespace = e.namespace ?? `${name}-${env}`;
    const secrets = Object.fromEntries(base.secrets.flatMap((plan: SecretPlan, k: number) => (e.secrets[k] ? [[plan.name, secretSpec(plan, e.secrets[k], namespace)]] : [])));
    envs[env] = clean({
      namespace: e.namespace,
      podSecurity: baseline ? 'baseline' : e.podSecurity,
      podSecurityReason: baseline ? e.podSecurityReason ?? 'the vendor agent needs baseline on this namespace' : undefined,
      quota: fits && !e.explicitQuota ? undefined : {
        requestsCpu: `${Math.ceil(demand.cpu * 1000) + h * 100}m`,
        requestsMemory: `${Math.ceil(demand.memory / Mi) + h * 64}Mi`,
        limitsMemory: `${Math.ceil(demand.memoryLimit / Mi) + h * 64}Mi`,
        pods: Math.max(1, demand.pods + h),
        services: demand.services + h,
        persistentVolumeClaims: demand.pvcs + e.pvcHeadroom,
      },
      access: e.access,
      secrets: Object.keys(secrets).length ? secrets : undefined,
    });
  });
  // One deep copy (without undefined fields) of the whole app: the values fast-check generated are
  // not changed below (it may generate them again while shrinking), and copying is most of the cost.
  const app = clean({
    name,
    repoURL: base.repoURL,
    targetRevision: base.targetRevision,
    sourceRepos: base.extraSourceRepo !== undefined ? [base.repoURL, base.extraSourceRepo] : undefined,
    cluster: base.cluster,
    environments: envs,
    services: Object.fromEntries(services.map(([n, s], i) => [n, { ...s.spec, calls: calls[i] }])),
    charts: appCharts,
  }) as AppSpec;
  // DefaultDenyNetwork judges a namespace's ingress rules together: once the app's public caller
  // ranges reach the internet, each of them needs its reason, not only the ones that reach it alone.
  const publicCallers = Object.values(app.services).flatMap(s => (s.callers ?? []).filter(c => c.cidr !== undefined && isPublic(c.cidr)));
  if (isInternet(internetReach(publicCallers.map(c => (parseCidr(c.cidr) as ParsedCidr).range)))) {
    for (const c of publicCallers) (c as { reason?: string }).reason ??= 'public API: the partners call it from their own networks';
  }
  return app;
}

/** 1 to `max` valid apps with distinct names, whose namespaces are distinct and not reserved. */
export const validSpecs = (max = 2): fc.Arbitrary<AppSpec[]> => fc.uniqueArray(appName, { minLength: 1, maxLength: max })
  .chain(names => fc.tuple(...names.map(appSpec)))
  .filter(apps => {
    const namespaces = apps.flatMap(a => Object.entries(a.environments).map(([env, e]) => e.namespace ?? `${a.name}-${env}`));
    return new Set(namespaces).size === namespaces.length && namespaces.every(ns => RESOLVED.reservedNamespace(ns) === undefined);
  });

// ---------------------------------------------------------------------------------------------
// Mutations

/** A step into a spec: an own key of an object or an index of an array. */
export type Path = (string | number)[];

/** Every path into `value` (objects, arrays and the keys of maps), the root included. */
export function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
  return out;
}

const protoNames = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];

/** Values that should not be where they are put. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    undefined, null, '', true, false, 0, -0, -1, 0.5, 1e309, -1e309, NaN, 2 ** 31, 2 ** 53, -(2 ** 31), Number.MAX_VALUE,
    [], {}, [1, 2], ['a'], { a: 1 }, [null], [{}], { name: 'x' },
    'x'.repeat(10_000), 'line\nbreak', 'cr\rreturn', 'zw\u200bsp', 'rl\u202eo', 'sep\u2028line', '<<', 'yes', 'no', 'on', '~', 'null', '0o17', '0x1F', '1e3',
    '-1', 'NaN', 'Infinity', ' api', 'api ', 'API', '__proto__', 'constructor', 'toString', 'a/b', '../..', '$(X)', '*', '0.0.0.0/0', '::/0',
    'NET_ADMIN', 'SYS_ADMIN', 'privileged', 'ALL', 'UDP', 'TCP ', '100Ti', '-1Mi', '0', '1e999', '0x10', 'kube-system', 'default', 'argocd',
  ),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(...protoNames).map(k => JSON.parse(`{"${k}": {"polluted": true}}`)),
  fc.constant(Object.create(null)),
  fc.constant(new Date(0)),
  fc.constant(new Map([['a', 1]])),
);

/** A typo of a key: a letter dropped, doubled, swapped with the next, or changed case; or a key nobody wrote. */
const keyTypo = (key: string): fc.Arbitrary<string> => fc.oneof(
  fc.integer({ min: 0, max: Math.max(0, key.length - 1) }).chain(i => fc.constantFrom(
    key.slice(0, i) + key.slice(i + 1),
    key.slice(0, i + 1) + key.slice(i),
    key.slice(0, i) + key.slice(i + 1, i + 2) + key.slice(i, i + 1) + key.slice(i + 2),
    key.slice(0, i) + key.charAt(i).toUpperCase() + key.slice(i + 1),
  )),
  fc.constantFrom(...protoNames, '', ' ', 'a\nb', `${key} `, `${key}\u200b`, key.toUpperCase(), 'yes', '<<', '0o17', 'unknownField'),
);

export type Mutation =
  | { op: 'set'; path: Path; value: unknown }
  | { op: 'delete'; path: Path }
  | { op: 'rename'; path: Path; key: string }
  | { op: 'add'; path: Path; key: string; value: unknown };

/** A mutation of one path of `specs`. */
export const mutationOf = (specs: AppSpec[]): fc.Arbitrary<Mutation> => {
  const paths = pathsOf(specs);
  return fc.constantFrom(...paths).chain((path): fc.Arbitrary<Mutation> => {
    const last = path[path.length - 1];
    const ops: fc.Arbitrary<Mutation>[] = [
      hostileValue.map(value => ({ op: 'set' as const, path, value })),
      fc.constant({ op: 'delete' as const, path }),
      fc.tuple(fc.oneof(keyTypo(typeof last === 'string' ? last : 'name'), fc.constantFrom(...protoNames)), hostileValue)
        .map(([key, value]) => ({ op: 'add' as const, path, key, value })),
    ];
    if (typeof last === 'string') ops.push(keyTypo(last).map(key => ({ op: 'rename' as const, path, key })));
    return path.length === 0 ? ops[0] : fc.oneof(...ops);
  });
};

/** Sets an own property, `__proto__` included. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `specs` (a JSON-plain value) with `m` applied, as a fresh copy. */
export function applyMutation(specs: AppSpec[], m: Mutation): unknown {
  const copy: unknown = JSON.parse(JSON.stringify(specs));
  if (m.path.length === 0) return m.op === 'set' ? m.value : copy;
  const parent = m.path.slice(0, -1).reduce((v: any, k) => v[k], copy);
  const last = m.path[m.path.length - 1];
  if (m.op === 'set') {
    if (Array.isArray(parent)) parent[last as number] = m.value;
    else define(parent, last as string, m.value);
  } else if (m.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else if (m.op === 'add') {
    // Next to the value: into the object at the path when it is one, else into its parent.
    const at = m.path.reduce((v: any, k) => v[k], copy);
    const target = at !== null && typeof at === 'object' && !Array.isArray(at) ? at : Array.isArray(parent) ? undefined : parent;
    if (target && !Object.hasOwn(target, m.key)) define(target, m.key, m.value);
    else if (Array.isArray(at)) at.push(m.value);
  } else if (!Array.isArray(parent)) {
    // Rename in place: the keys keep their order.
    const entries = Object.entries(parent);
    for (const k of Object.keys(parent)) delete parent[k];
    for (const [k, v] of entries) define(parent, k === last ? m.key : k, v);
  }
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Credentials

/** A secret and a value that carries it, in one of the forms the credential rules know. */
export const credentialValue = fc.tuple(
  fc.stringMatching(/^[A-Za-z0-9]{12,20}$/).map(s => `SuperSecret${s}`),
  fc.stringMatching(/^[A-Za-z0-9]{36}$/),
  fc.stringMatching(/^[A-Za-z0-9_-]{10,20}$/),
).chain(([secret, alnum36, b64]) => fc.constantFrom(
  { secret, value: `postgres://u:${secret}@db/x` },
  { secret, value: `redis://:${secret}@cache:6379/0` },
  { secret, value: `Server=db;User Id=app;Password=${secret};` },
  { secret: `ghp_${alnum36}`, value: `ghp_${alnum36}` },
  { secret: `eyJhbGciOiJIUzI1NiJ9.eyJ${b64}.${secret}`, value: `Bearer eyJhbGciOiJIUzI1NiJ9.eyJ${b64}.${secret}` },
  { secret, value: `-----BEGIN RSA PRIVATE KEY-----\n${secret}\n-----END RSA PRIVATE KEY-----` },
  { secret: `sk_live_${alnum36}`, value: `sk_live_${alnum36}` },
  { secret: `xoxb-${alnum36}`, value: `xoxb-${alnum36}` },
));

/** A copy of a JSON-plain value without `undefined` properties. */
function clean<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

// ---------------------------------------------------------------------------------------------
// Targeted mutations of the workload kinds and the issue 12 fields

/** A bad value put where a tenant would try it, and the refusal it must get. */
export interface TargetedMutation {
  readonly name: string;
  /** Changes the first app of a copy of the specs (`pick` chooses among its services and environments). */
  readonly apply: (app: any, pick: number) => void;
  /** A refusal must match this: it names the field (and the value, where it is not a secret). */
  readonly expect: RegExp;
  /** A value that must not be printed. */
  readonly secret?: string;
}

const DIGEST_IMAGE = `ghcr.io/acme/target@sha256:${'b'.repeat(64)}`;
const own = (target: Record<string, unknown>, key: string, value: unknown) => Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
const nth = <T>(list: T[], pick: number) => list[pick % list.length];
const servicesOf = (app: any) => Object.keys(app.services);
/** A service of `app` that listens on a TCP port and may have callers and an ingress; one is added when none does. */
function listening(app: any, pick: number): any {
  const fit = servicesOf(app).filter(n => {
    const s = app.services[n];
    return !['Job', 'CronJob'].includes(s.kind) && (s.ports ?? []).some((p: any) => (p.protocol ?? 'TCP') === 'TCP');
  });
  if (fit.length) return app.services[nth(fit, pick)];
  app.services.zz = { image: DIGEST_IMAGE, ports: [{ name: 'http', port: 8080 }] };
  return app.services.zz;
}
const anyService = (app: any, pick: number) => app.services[nth(servicesOf(app), pick)];
const anyEnvironment = (app: any, pick: number) => app.environments[nth(Object.keys(app.environments), pick)];
const KIND_ONLY = ['replicas', 'autoscaling', 'volumeClaimTemplates', 'podManagementPolicy', 'backoffLimit', 'activeDeadlineSeconds', 'ttlSecondsAfterFinished',
  'restartPolicy', 'schedule', 'timeZone', 'concurrencyPolicy', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit', 'startingDeadlineSeconds'];
/** `s` made a `kind`, without the fields of its former kind (so that the refusal looked for is not hidden behind theirs). */
const asKind = (s: any, kind: string) => {
  for (const f of KIND_ONLY) delete s[f];
  if (kind === 'Job' || kind === 'CronJob') for (const f of ['ports', 'callers', 'ingress']) delete s[f];
  s.kind = kind;
  return s;
};
const withIngress = (app: any, pick: number, ingress: Record<string, unknown>) => {
  listening(app, pick).ingress = { host: 'shop.example.com', className: 'nginx', tls: { secretName: 'shop-tls' }, ...ingress };
};
const withApi = (app: any, pick: number, api: Record<string, unknown>) => {
  anyService(app, pick).kubernetesApi = { access: 'read', resources: ['pods'], scope: 'namespace', reason: 'lists the pods of its own app for the status page', ...api };
};
const withAccess = (app: any, pick: number, ...entries: unknown[]) => { anyEnvironment(app, pick).access = entries; };
const withSecret = (app: any, pick: number, name: string, source: unknown) => {
  const e = anyEnvironment(app, pick);
  e.secrets = { ...e.secrets, [name]: source };
};
const CHART = { repoURL: 'https://charts.bitnami.com/bitnami', chart: 'redis', version: '18.1.2', reason: 'the cache the app reads through its own client' };
const withChart = (app: any, chart: Record<string, unknown>) => { app.charts = { ...app.charts, cache: { ...CHART, ...chart } }; };
const days = (n: number) => new Date(NOW.getTime() + n * DAY).toISOString().slice(0, 10);

export const TARGETED: readonly TargetedMutation[] = [
  // kind
  { name: 'kind in lower case', apply: (a, p) => { anyService(a, p).kind = 'deployment'; }, expect: /\] kind: .*"deployment"/ },
  { name: 'kind of the wrong type', apply: (a, p) => { anyService(a, p).kind = 5; }, expect: /\] kind: / },
  { name: 'kind Pod', apply: (a, p) => { anyService(a, p).kind = 'Pod'; }, expect: /\] kind: .*"Pod"/ },
  { name: 'a Job with ports', apply: (a, p) => { const s = listening(a, p); for (const f of KIND_ONLY) delete s[f]; s.kind = 'Job'; }, expect: /\] ports: / },
  { name: 'a CronJob without schedule', apply: (a, p) => { asKind(anyService(a, p), 'CronJob'); }, expect: /\] schedule: / },
  { name: 'a CronJob with a bad schedule', apply: (a, p) => { asKind(anyService(a, p), 'CronJob').schedule = '61 * * * *'; }, expect: /schedule: .*"61 \* \* \* \*"/ },
  { name: 'a CronJob in a zone that does not exist', apply: (a, p) => { Object.assign(asKind(anyService(a, p), 'CronJob'), { schedule: '@daily', timeZone: 'Mars/Olympus' }); }, expect: /timeZone: / },
  { name: 'replicas on a Job', apply: (a, p) => { asKind(anyService(a, p), 'Job').replicas = 2; }, expect: /\] replicas: / },
  { name: 'ports on a CronJob', apply: (a, p) => { Object.assign(asKind(anyService(a, p), 'CronJob'), { schedule: '@daily', ports: [{ name: 'http', port: 80 }] }); }, expect: /\] ports: / },
  { name: 'schedule on a Deployment', apply: (a, p) => { asKind(anyService(a, p), 'Deployment').schedule = '@daily'; }, expect: /\] schedule: / },
  { name: 'a DaemonSet in a restricted environment', apply: (a, p) => { const e = anyEnvironment(a, p); e.podSecurity = 'restricted'; delete e.podSecurityReason; asKind(anyService(a, p), 'DaemonSet'); }, expect: /\] kind: .*restricted.*\(got "DaemonSet"\)/ },
  { name: 'a DaemonSet in a privileged environment without its reason', apply: (a, p) => { const e = anyEnvironment(a, p); e.podSecurity = 'privileged'; delete e.podSecurityReason; asKind(anyService(a, p), 'DaemonSet'); }, expect: /^\[apps\/[^/]+\/environments\/[^\]/]+\] podSecurityReason: / },
  { name: 'a claim with an unknown field', apply: (a, p) => { asKind(anyService(a, p), 'StatefulSet').volumeClaimTemplates = [{ name: 'data', mountPath: '/var/lib/x', size: '1Gi', sizee: '2Gi' }]; }, expect: /sizee/ },
  { name: 'a claim of no size', apply: (a, p) => { asKind(anyService(a, p), 'StatefulSet').volumeClaimTemplates = [{ name: 'data', mountPath: '/var/lib/x', size: '0' }]; }, expect: /volumeClaimTemplates\[0\]\.size: / },
  { name: 'autoscaling with minReplicas above maxReplicas', apply: (a, p) => { asKind(anyService(a, p), 'Deployment').autoscaling = { minReplicas: 5, maxReplicas: 2 }; }, expect: /autoscaling\.minReplicas: / },
  { name: 'autoscaling beside replicas', apply: (a, p) => { Object.assign(asKind(anyService(a, p), 'StatefulSet'), { replicas: 2, autoscaling: { minReplicas: 1, maxReplicas: 2 } }); }, expect: /\] replicas: / },
  { name: 'a backoffLimit of the wrong type', apply: (a, p) => { asKind(anyService(a, p), 'Job').backoffLimit = '3'; }, expect: /backoffLimit/ },
  // ingress
  { name: 'ingress of the wrong type', apply: (a, p) => { listening(a, p).ingress = 'shop.example.com'; }, expect: /ingress/ },
  { name: 'ingress with an unknown field in tls', apply: (a, p) => withIngress(a, p, { tls: { secretName: 'x-tls', issuerr: 'letsencrypt' } }), expect: /issuerr/ },
  { name: 'ingress with a prototype key', apply: (a, p) => withIngress(a, p, own({}, '__proto__', { sourceRanges: ['0.0.0.0/0'] })), expect: /__proto__/ },
  { name: 'ingress with a wildcard host', apply: (a, p) => withIngress(a, p, { host: '*.example.com' }), expect: /ingress\.host: .*"\*\.example\.com"/ },
  { name: 'ingress with an IP host', apply: (a, p) => withIngress(a, p, { host: '203.0.113.7' }), expect: /ingress\.host: / },
  { name: 'ingress through an unknown class', apply: (a, p) => withIngress(a, p, { className: 'haproxy' }), expect: /ingress\.className: .*"haproxy"/ },
  { name: 'ingress with a bad source range', apply: (a, p) => withIngress(a, p, { sourceRanges: ['10.0.0.0/33'] }), expect: /ingress\.sourceRanges\[0\]: / },
  { name: 'ingress open to the internet by source ranges', apply: (a, p) => withIngress(a, p, { sourceRanges: ['0.0.0.0/1', '128.0.0.0/1'] }), expect: /ingress\.sourceRanges: / },
  { name: 'ingress source ranges on traefik', apply: (a, p) => withIngress(a, p, { className: 'traefik', sourceRanges: ['203.0.113.7/32'] }), expect: /ingress\.sourceRanges: / },
  { name: 'ingress path with ..', apply: (a, p) => withIngress(a, p, { paths: ['/api/../admin'] }), expect: /ingress\.paths\[0\]: / },
  { name: 'ingress without tls', apply: (a, p) => { withIngress(a, p, {}); delete listening(a, p).ingress.tls; }, expect: /tls/ },
  { name: 'ingress on a Job', apply: (a, p) => { const s = listening(a, p); withIngress(a, p, {}); s.kind = 'Job'; }, expect: /\] (ingress|ports): / },
  // callers by CIDR
  { name: 'a caller CIDR with a prefix above 32', apply: (a, p) => { listening(a, p).callers = [{ cidr: '10.0.0.0/33' }]; }, expect: /callers\[0\]\.cidr: .*"10\.0\.0\.0\/33"/ },
  { name: 'a caller CIDR that is no address', apply: (a, p) => { listening(a, p).callers = [{ cidr: '300.1.2.3/32' }]; }, expect: /callers\[0\]\.cidr: / },
  { name: 'a caller CIDR without a prefix', apply: (a, p) => { listening(a, p).callers = [{ cidr: '203.0.113.7' }]; }, expect: /callers\[0\]\.cidr: / },
  { name: 'a caller CIDR with a space', apply: (a, p) => { listening(a, p).callers = [{ cidr: ' 10.0.0.0/8' }]; }, expect: /callers\[0\]\.cidr: / },
  { name: 'a caller CIDR of the wrong type', apply: (a, p) => { listening(a, p).callers = [{ cidr: 167772160 }]; }, expect: /cidr/ },
  { name: 'the internet as a caller without a reason', apply: (a, p) => { listening(a, p).callers = [{ cidr: '0.0.0.0/0' }]; }, expect: /callers\[0\]\.reason: / },
  { name: 'the IPv6 internet as a caller without a reason', apply: (a, p) => { listening(a, p).callers = [{ cidr: '::/0' }]; }, expect: /callers\[0\]\.reason: / },
  { name: 'the internet in two halves without a reason', apply: (a, p) => { listening(a, p).callers = [{ cidr: '0.0.0.0/1', reason: 'partners call from anywhere on the net' }, { cidr: '128.0.0.0/1' }]; }, expect: /callers\[1\]\.reason: / },
  { name: 'a caller with cidr and namespace', apply: (a, p) => { listening(a, p).callers = [{ cidr: '10.0.0.0/8', namespace: 'monitoring' }]; }, expect: /callers\[0\]: / },
  { name: 'a reason on a namespace caller', apply: (a, p) => { listening(a, p).callers = [{ namespace: 'monitoring', reason: 'scrapes the metrics port' }]; }, expect: /callers\[0\]\.reason: / },
  { name: 'a caller with an unknown field', apply: (a, p) => { listening(a, p).callers = [{ cidr: '203.0.113.7/32', reasons: 'x' }]; }, expect: /reasons/ },
  // kubernetesApi
  { name: 'kubernetesApi resources of the wrong type', apply: (a, p) => withApi(a, p, { resources: 'pods' }), expect: /resources/ },
  { name: 'kubernetesApi with a wildcard', apply: (a, p) => withApi(a, p, { resources: ['*'] }), expect: /kubernetesApi\.resources\[0\]: .*"\*"/ },
  { name: 'kubernetesApi with a group wildcard', apply: (a, p) => withApi(a, p, { resources: ['pods', 'apps/*'] }), expect: /kubernetesApi\.resources\[1\]: / },
  { name: 'kubernetesApi reading secrets', apply: (a, p) => withApi(a, p, { resources: ['secrets'] }), expect: /kubernetesApi\.resources\[0\]: .*"secrets"/ },
  { name: 'kubernetesApi reading secrets through the core group', apply: (a, p) => withApi(a, p, { resources: ['pods', 'v1/secrets'] }), expect: /kubernetesApi\.resources\[1\]: / },
  { name: 'kubernetesApi reading pods/exec', apply: (a, p) => withApi(a, p, { resources: ['pods/exec'] }), expect: /kubernetesApi\.resources\[0\]: / },
  { name: 'kubernetesApi writing', apply: (a, p) => withApi(a, p, { access: 'write' }), expect: /access: .*\(got "write"\)/ },
  { name: 'kubernetesApi nodes at namespace scope', apply: (a, p) => withApi(a, p, { resources: ['nodes'] }), expect: /kubernetesApi\.resources\[0\]: / },
  { name: 'kubernetesApi with verbs', apply: (a, p) => withApi(a, p, { verbs: ['*'] }), expect: /verbs/ },
  { name: 'kubernetesApi without a reason', apply: (a, p) => withApi(a, p, { reason: undefined }), expect: /reason/ },
  // access
  { name: 'access of the wrong type', apply: (a, p) => { anyEnvironment(a, p).access = { user: 'alice@example.com', role: 'viewer' }; }, expect: /access/ },
  { name: 'access for system:masters', apply: (a, p) => withAccess(a, p, { group: 'system:masters', role: 'viewer' }), expect: /access\[0\]\.group: .*"system:masters"/ },
  { name: 'access for a System: user in capitals', apply: (a, p) => withAccess(a, p, { user: 'System:admin', role: 'operator' }), expect: /access\[0\]\.user: / },
  { name: 'access for everyone by wildcard', apply: (a, p) => withAccess(a, p, { group: '*', role: 'viewer' }), expect: /access\[0\]\.group: / },
  { name: 'access with a role of its own', apply: (a, p) => withAccess(a, p, { user: 'alice@example.com', role: 'admin' }), expect: /access\[0\]\.role|role/ },
  { name: 'access listed twice', apply: (a, p) => withAccess(a, p, { user: 'alice@example.com', role: 'viewer' }, { user: 'alice@example.com', role: 'operator' }), expect: /access\[1\]\.user: / },
  { name: 'exec that has expired', apply: (a, p) => withAccess(a, p, { user: 'alice@example.com', role: 'viewer', exec: { reason: 'debugging incident INC-42', expires: days(0) } }), expect: /access\[0\]\.exec\.expires: / },
  { name: 'exec for more than 90 days', apply: (a, p) => withAccess(a, p, { user: 'alice@example.com', role: 'viewer', exec: { reason: 'debugging incident INC-42', expires: days(92) } }), expect: /access\[0\]\.exec\.expires: / },
  { name: 'exec until a day the calendar has not', apply: (a, p) => withAccess(a, p, { user: 'alice@example.com', role: 'viewer', exec: { reason: 'debugging incident INC-42', expires: '2027-02-30' } }), expect: /access\[0\]\.exec\.expires: / },
  { name: 'exec with an unknown field', apply: (a, p) => withAccess(a, p, { user: 'alice@example.com', role: 'viewer', exec: { reason: 'debugging incident INC-42', expires: days(3), attach: true } }), expect: /attach/ },
  { name: 'access with a prototype key', apply: (a, p) => withAccess(a, p, own({ user: 'alice@example.com', role: 'viewer' }, '__proto__', { role: 'operator' })), expect: /__proto__/ },
  // secrets
  { name: 'secrets of the wrong type', apply: (a, p) => { anyEnvironment(a, p).secrets = [{ name: 'db' }]; }, expect: /secrets/ },
  { name: 'a secret with an unknown field at depth', apply: (a, p) => withSecret(a, p, 'db-sec-x', { external: { store: 'openbao', data: [{ key: 'password', remotekey: 'shop/db' }] } }), expect: /remotekey/ },
  { name: 'a secret named like a prototype key', apply: (a, p) => withSecret(a, p, '__proto__', { sealed: { encryptedData: { password: 'AgB' } } }), expect: /__proto__/ },
  { name: 'a secret named constructor', apply: (a, p) => withSecret(a, p, 'constructor', { external: { store: 'openbao', data: [{ key: 'password', remoteKey: 'shop/db' }] } }), expect: /constructor/ },
  { name: 'a ClusterSecretStore the platform does not allow', apply: (a, p) => withSecret(a, p, 'db-sec-x', { external: { store: 'team-vault', storeKind: 'ClusterSecretStore', data: [{ key: 'password', remoteKey: 'shop/db' }] } }), expect: /secrets\.db-sec-x\.external\.store: .*"team-vault"/ },
  { name: 'a secret store kind of its own', apply: (a, p) => withSecret(a, p, 'db-sec-x', { external: { store: 'openbao', storeKind: 'Vault', data: [{ key: 'password', remoteKey: 'shop/db' }] } }), expect: /storeKind/ },
  { name: 'a refresh every ten seconds', apply: (a, p) => withSecret(a, p, 'db-sec-x', { external: { store: 'openbao', refreshInterval: '10s', data: [{ key: 'password', remoteKey: 'shop/db' }] } }), expect: /refreshInterval: / },
  { name: 'a secret both external and sealed', apply: (a, p) => withSecret(a, p, 'db-sec-x', { external: { store: 'openbao', data: [{ key: 'password', remoteKey: 'shop/db' }] }, sealed: { encryptedData: { password: sealedValue('x', 'db-sec-x', 'password') } } }), expect: /secrets\.db-sec-x: / },
  { name: 'a plaintext where a sealed value belongs', apply: (a, p) => withSecret(a, p, 'db-sec-x', { sealed: { encryptedData: { password: 'correct-horse-battery' } } }), expect: /secrets\.db-sec-x\.sealed\.encryptedData\.password: /, secret: 'correct-horse-battery' },
  { name: 'a tls secret without its key', apply: (a, p) => withSecret(a, p, 'db-sec-x', { sealed: { type: 'kubernetes.io/tls', encryptedData: { 'tls.crt': sealedValue('x', 'db-sec-x', 'tls.crt') } } }), expect: /tls\.key/ },
  {
    name: 'a reference to a key the delivered secret lacks',
    apply: (a, p) => {
      for (const e of Object.keys(a.environments)) withSecret({ environments: { [e]: a.environments[e] } }, 0, 'db-sec-x', { external: { store: 'openbao', data: [{ key: 'password', remoteKey: 'shop/db' }] } });
      const s = anyService(a, p);
      s.env = { ...s.env, DB_USER: { secretKeyRef: { name: 'db-sec-x', key: 'username' } } };
    },
    expect: /env\.DB_USER\.secretKeyRef\.key: .*"username"/,
  },
  // charts
  { name: 'a chart version range', apply: a => withChart(a, { version: '^1.2.0' }), expect: /charts\.cache\.version: .*"\^1\.2\.0"/ },
  { name: 'a chart version x', apply: a => withChart(a, { version: '1.x' }), expect: /charts\.cache\.version: / },
  { name: 'a chart version latest', apply: a => withChart(a, { version: 'latest' }), expect: /charts\.cache\.version: / },
  { name: 'a chart version *', apply: a => withChart(a, { version: '*' }), expect: /charts\.cache\.version: / },
  { name: 'a chart version of two parts', apply: a => withChart(a, { version: '1.14' }), expect: /charts\.cache\.version: / },
  { name: 'a chart version as a number', apply: a => withChart(a, { version: 1.14 }), expect: /version/ },
  { name: 'no chart version', apply: a => withChart(a, { version: '' }), expect: /charts\.cache\.version: / },
  { name: 'a digest for a Helm repository chart', apply: a => withChart(a, { version: `sha256:${'c'.repeat(64)}` }), expect: /charts\.cache\.version: / },
  { name: 'a chart repository glob', apply: a => withChart(a, { repoURL: 'https://charts.bitnami.com/*' }), expect: /charts\.cache\.repoURL: / },
  { name: 'a chart repository over http', apply: a => withChart(a, { repoURL: 'http://charts.bitnami.com/bitnami' }), expect: /charts\.cache\.repoURL: / },
  { name: 'a chart repository with credentials', apply: a => withChart(a, { repoURL: 'https://user:pass@charts.example.com' }), expect: /charts\.cache\.repoURL: / },
  { name: 'a chart rendering Roles', apply: a => withChart(a, { kinds: ['Deployment', 'Role'] }), expect: /charts\.cache\.kinds\[1\]: .*"Role"/ },
  { name: 'a chart rendering a quota', apply: a => withChart(a, { kinds: ['ResourceQuota'] }), expect: /charts\.cache\.kinds\[0\]: / },
  { name: 'a chart rendering Secrets', apply: a => withChart(a, { kinds: ['Secret'] }), expect: /charts\.cache\.kinds\[0\]: .*\(got "Secret"\)/ },
  {
    name: 'a chart rendering DaemonSets into a restricted environment',
    apply: (a, p) => { const e = anyEnvironment(a, p); e.podSecurity = 'restricted'; delete e.podSecurityReason; withChart(a, { kinds: ['DaemonSet'] }); },
    expect: /charts\.cache\.kinds\[0\]: .*\(got "DaemonSet"\)/,
  },
  { name: 'a chart in an unknown environment', apply: a => withChart(a, { environments: ['nowhere'] }), expect: /charts\.cache\.environments\[0\]: / },
  { name: 'a chart without a reason', apply: a => withChart(a, { reason: undefined }), expect: /reason/ },
  { name: 'a chart with an unknown field', apply: a => withChart(a, { values: { image: 'x' } }), expect: /values/ },
  { name: 'a chart valueFiles path escaping the repo', apply: a => withChart(a, { valueFiles: ['../secrets.yaml'] }), expect: /charts\.cache\.valueFiles\[0\]: / },
  { name: 'a chart named like a prototype key', apply: a => { a.charts = own({}, 'toString', { ...CHART }); }, expect: /toString/ },
];
