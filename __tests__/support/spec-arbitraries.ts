import * as fc from 'fast-check';
import { platform } from '../../apps';
import { AppSpec } from '../../compiler/app-spec';
import { resolvePlatform } from '../../compiler/platform';
import { credentialInValue, credentialsInArgv, looksLikeCredential } from '../../policy/credentials';
import { reasonProblem } from '../../policy/departures';

/**
 * fast-check arbitraries for app specs: valid ones (every field the spec types know, within what the
 * constructs and the gate admit) and single-field mutations of them. Used by spec-properties.test.ts.
 *
 * Valid specs avoid only what the compiler refuses on purpose: names that collide (each NetworkPolicy
 * rule name `<service>-to-<target>` / `<service>-from-<caller>` is unique because service names never
 * start with `x-` or `ns-`, egress names always start with `x-` and caller namespaces come from a list
 * no service name can spell), reserved namespaces and projects, credentials in literals, requests above
 * limits, and demand above the namespace quota (a quota is written when the defaults would not do).
 */

const RESOLVED = resolvePlatform(platform);
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

/** One service, before its calls are chosen; `demand` is what one replica asks of the quota. */
interface ServiceDraft {
  spec: Record<string, any>;
  demand: { cpu: number; memory: number; memoryLimit: number };
}

const service = (envs: string[], baseline: boolean): fc.Arbitrary<ServiceDraft> => ports.chain(p => fc.record({
  image,
  replicas: fc.oneof(
    fc.integer({ min: 0, max: 3 }),
    fc.subarray(envs).chain(keys => fc.tuple(...keys.map(() => fc.integer({ min: 0, max: 3 }))).map(n => Object.fromEntries(keys.map((k, i) => [k, n[i]])))),
  ),
  // checkString: a command item is never empty, an argument may be.
  command: argv.map(items => items.map(c => c || 'sh')),
  args: argv,
  env,
  envFrom,
  resources,
  writablePaths,
  probes: fc.record({ readiness: probe(p.map(x => x.name)), liveness: probe(p.map(x => x.name)), startup: probe(p.map(x => x.name)) }, { requiredKeys: [] }),
  runAsUser: id,
  runAsGroup: id,
  fsGroup: id,
  exceptions: exceptions(baseline),
  callers: p.length ? fc.uniqueArray(fc.record({ namespace: callerNamespace, podLabels: labels }, { requiredKeys: ['namespace'] }), { selector: c => c.namespace, minLength: 1, maxLength: 2 }) : fc.constant(undefined),
  egress,
}, { requiredKeys: ['image'] }).filter(s => credentialsInArgv([...(s.command ?? []), ...(s.args ?? [])]).length === 0).map((s): ServiceDraft => {
  const { resources: r, ...rest } = s;
  return {
    spec: clean({ ...rest, ports: p.length ? p : undefined, resources: r && Object.keys(r.spec).length ? r.spec : undefined }),
    demand: r ? { cpu: r.cpu, memory: r.memory, memoryLimit: r.memoryLimit } : { cpu: 0.1, memory: 128 * Mi, memoryLimit: 256 * Mi },
  };
}));

// ---------------------------------------------------------------------------------------------
// Apps

const exactNamespace = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
const QUOTA_DEFAULTS = { cpu: 4, memory: 8 * 2 ** 30, memoryLimit: 16 * 2 ** 30, pods: 50, services: 20 };

/** A valid app spec, given its name (distinct names are the caller's business). */
export const appSpec = (name: string): fc.Arbitrary<AppSpec> => fc.record({
  envs: fc.uniqueArray(envName, { minLength: 1, maxLength: 2 }),
  allBaseline: fc.boolean(),
  repoURL: fc.constantFrom('https://github.com/acme/cluster-deploy.git', 'https://gitlab.example.com/platform/deploy', 'git@github.com:acme/deploy.git'),
  targetRevision: fc.constantFrom('main', 'v1.2.3', 'release-1', 'HEAD', 'yes', '0o17'),
  extraSourceRepo: fc.constantFrom('https://github.com/acme/other.git', 'https://github.com/acme/*'),
  cluster: fc.constant(platform.clusters![0]),
}, { requiredKeys: ['envs', 'allBaseline', 'repoURL'] }).chain(base => fc.record({
  environments: fc.tuple(...base.envs.map(() => fc.record({
    namespace: exactNamespace,
    podSecurity: fc.constantFrom('restricted' as const, 'baseline' as const),
    podSecurityReason: reason,
    quotaHeadroom: fc.integer({ min: 0, max: 3 }),
    explicitQuota: fc.boolean(),
    persistentVolumeClaims: fc.integer({ min: 0, max: 10 }),
  }, { requiredKeys: ['quotaHeadroom', 'explicitQuota'] }))),
  services: fc.uniqueArray(fc.tuple(serviceName, service(base.envs, base.allBaseline)), { selector: ([n]) => n, minLength: 1, maxLength: 4 }),
}).chain(({ environments, services }) => {
  const withPorts = services.filter(([, s]) => s.spec.ports).map(([n]) => n);
  return fc.tuple(...services.map(([n]) => {
    const targets = withPorts.filter(t => t !== n);
    return targets.length ? fc.option(fc.subarray(targets, { minLength: 1 }), { nil: undefined }) : fc.constant(undefined);
  })).map(calls => assemble(name, base, environments, services, calls));
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

function assemble(name: string, base: any, environments: any[], services: [string, ServiceDraft][], calls: (string[] | undefined)[]): AppSpec {
  const envs: Record<string, any> = {};
  base.envs.forEach((env: string, i: number) => {
    const e = environments[i];
    const demand = { cpu: 0, memory: 0, memoryLimit: 0, pods: 0, services: 0 };
    for (const [, s] of services) {
      const r = s.spec.replicas;
      const replicas = typeof r === 'number' ? r : Object.hasOwn(r ?? {}, env) ? r[env] : 1;
      const pods = replicas + Math.ceil(replicas * 0.25);
      demand.pods += pods;
      demand.cpu += pods * s.demand.cpu;
      demand.memory += pods * s.demand.memory;
      demand.memoryLimit += pods * s.demand.memoryLimit;
      if (s.spec.ports) demand.services += 1;
    }
    const fits = (Object.keys(QUOTA_DEFAULTS) as (keyof typeof demand)[]).every(k => demand[k] <= QUOTA_DEFAULTS[k]);
    const h = e.quotaHeadroom;
    // Services use baseline exceptions only when every environment is baseline.
    const baseline = base.allBaseline || e.podSecurity === 'baseline';
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
        persistentVolumeClaims: e.persistentVolumeClaims,
      },
    });
  });
  return clean({
    name,
    repoURL: base.repoURL,
    targetRevision: base.targetRevision,
    sourceRepos: base.extraSourceRepo !== undefined ? [base.repoURL, base.extraSourceRepo] : undefined,
    cluster: base.cluster,
    environments: envs,
    services: Object.fromEntries(services.map(([n, s], i) => [n, clean({ ...s.spec, calls: calls[i] })])),
  }) as AppSpec;
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
