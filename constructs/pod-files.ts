import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { credentialInValue, looksLikeCredential } from '../policy/credentials';
import { refuse } from '../policy/errors';
import { configMapKeyProblem, dnsSubdomainProblem } from '../policy/grammar';
import { checkAbsolutePath } from './hardened-pod';
import { checkDnsLabel, checkString } from './validate';

/**
 * Files in a pod, all mounted read-only: ConfigMaps generated from the spec ({@link ConfigFiles})
 * and volumes by reference ({@link FileVolume}: a Secret, a ConfigMap, a projected or a
 * downward-API volume). The owner only reads them, at mode 0440 unless narrower.
 */

/** Files written in the spec, put in a ConfigMap `<workload>-<name>` and mounted read-only. Not for secrets. */
export interface ConfigFiles {
  /** Name of the volume (a DNS label); the ConfigMap is `<workload>-<name>`. */
  readonly name: string;
  /** Absolute path of the directory the files appear in, e.g. `/etc/app`. */
  readonly mountPath: string;
  /** File name to content. Names are ConfigMap keys; contents hold no credential (use a Secret volume); at most 1 MiB in all. */
  readonly data: Record<string, string>;
  /** Containers that mount it, by name. @default - the main container */
  readonly containers?: string[];
}

/** A key of a Secret or ConfigMap, and the file it becomes. */
export interface FileItem {
  readonly key: string;
  /** Relative path of the file in the volume, e.g. `tls.crt`. */
  readonly path: string;
}

/** A field of the pod as a file: exactly one of `fieldPath` and `resource`. */
export interface DownwardFile {
  /** Relative path of the file in the volume. */
  readonly path: string;
  /** `metadata.name`, `metadata.namespace`, `metadata.uid`, `metadata.labels`, `metadata.annotations`, or one label or annotation: `metadata.labels['<key>']`. */
  readonly fieldPath?: string;
  /** A resource of the main container: `limits.cpu`, `requests.memory`... */
  readonly resource?: string;
}

/** One source of a projected volume: exactly one of `secret`, `configMap` and `downwardAPI` (no service account token). */
export interface ProjectedSource {
  readonly secret?: { readonly name: string; readonly items?: FileItem[] };
  readonly configMap?: { readonly name: string; readonly items?: FileItem[] };
  readonly downwardAPI?: { readonly items: DownwardFile[] };
}

/**
 * A volume of files made elsewhere, mounted read-only: exactly one of `secret`, `configMap`,
 * `projected` and `downwardAPI`. A projected volume takes no `serviceAccountToken` source: the
 * pods run without a token (the gate's hardening.token-automount).
 */
export interface FileVolume {
  /** Name of the volume, a DNS label. */
  readonly name: string;
  /** Absolute path of the directory the files appear in. */
  readonly mountPath: string;
  /** A Secret of the namespace, by name; with `items`, only those keys. */
  readonly secret?: { readonly secretName: string; readonly items?: FileItem[] };
  /** A ConfigMap of the namespace, by name; with `items`, only those keys. */
  readonly configMap?: { readonly name: string; readonly items?: FileItem[] };
  readonly projected?: { readonly sources: ProjectedSource[] };
  readonly downwardAPI?: { readonly items: DownwardFile[] };
  /** Mode of the files, at most 0440 (owner and group read): 0o440 is 288 in JSON. @asType integer @default 288 */
  readonly defaultMode?: number;
  /** Containers that mount it, by name. @default - the main container */
  readonly containers?: string[];
}

/** The file props of a pod; see {@link HardenedPodProps}. */
export interface PodFilesProps {
  /** Files written here, put in ConfigMaps and mounted read-only. @default - none */
  readonly configFiles?: ConfigFiles[];
  /** Secret, ConfigMap, projected and downward-API volumes by reference, mounted read-only. @default - none */
  readonly volumes?: FileVolume[];
}

/** The widest mode a file volume may give: read for owner and group (fsGroup), nothing for others. */
export const MAX_FILE_MODE = 0o440;
/** What the API server admits for a ConfigMap's data. */
export const CONFIG_MAP_MAX_BYTES = 1024 * 1024;

const DOWNWARD_FIELDS = /^metadata\.(name|namespace|uid|labels|annotations)$|^metadata\.(labels|annotations)\['[^'\]]+'\]$/;
const DOWNWARD_RESOURCES = /^(limits|requests)\.(cpu|memory|ephemeral-storage)$/;

/** The pod's file volumes, checked: its volumes, each container's read-only mounts, and the ConfigMaps to create. */
export interface PodFiles {
  readonly volumes: k8s.Volume[];
  /** Mounts by container name. */
  readonly mounts: ReadonlyMap<string, k8s.VolumeMount[]>;
  /** ConfigMaps to create: name (`<workload>-<name>`) and data. */
  readonly configMaps: { readonly name: string; readonly data: Record<string, string> }[];
}

/**
 * Checks `configFiles` and `volumes`: names are DNS labels, not taken by another volume of the pod,
 * mount paths absolute, not `/` and not another volume's; containers are the pod's.
 */
export function checkPodFiles(scope: Construct, props: PodFilesProps, workload: string, containers: string[],
  taken: { readonly name: string; readonly path: string }[]): PodFiles {
  const names = new Set(taken.map(t => t.name));
  const paths = new Set(taken.map(t => t.path));
  const volumes: k8s.Volume[] = [];
  const mounts = new Map<string, k8s.VolumeMount[]>();
  const configMaps: { name: string; data: Record<string, string> }[] = [];

  const place = (field: string, name: unknown, mountPath: unknown, into: unknown) => {
    const volume = checkDnsLabel(scope, `${field}.name`, name);
    if (names.has(volume)) refuse(scope, `${field}.name`, volume, 'is the name of another volume of the pod', 'give each volume its own name');
    names.add(volume);
    const path = checkMountPath(scope, `${field}.mountPath`, mountPath);
    if (paths.has(path)) refuse(scope, `${field}.mountPath`, mountPath, 'is also a writable path or another volume\'s mount', 'mount each volume at a path of its own');
    paths.add(path);
    const targets = into === undefined ? [containers[0]] : checkContainers(scope, `${field}.containers`, into, containers);
    for (const c of targets) mounts.set(c, [...mounts.get(c) ?? [], { name: volume, mountPath: path, readOnly: true }]);
    return volume;
  };

  list(scope, 'configFiles', props.configFiles).forEach((f: ConfigFiles, i) => {
    const field = `configFiles[${i}]`;
    const volume = place(field, f?.name, f?.mountPath, f?.containers);
    const configMap = `${workload}-${volume}`;
    if (dnsSubdomainProblem(configMap)) refuse(scope, `${field}.name`, volume, `makes the ConfigMap name "${configMap}", longer than 253 characters`, 'use a shorter name');
    configMaps.push({ name: configMap, data: checkConfigData(scope, `${field}.data`, f.data) });
    volumes.push({ name: volume, configMap: { name: configMap, defaultMode: MAX_FILE_MODE } });
  });

  list(scope, 'volumes', props.volumes).forEach((v: FileVolume, i) => {
    const field = `volumes[${i}]`;
    const volume = place(field, v?.name, v?.mountPath, v?.containers);
    const kinds = (['secret', 'configMap', 'projected', 'downwardAPI'] as const).filter(k => v[k] !== undefined);
    if (kinds.length !== 1) {
      refuse(scope, field, kinds, 'must have exactly one of secret, configMap, projected and downwardAPI', 'e.g. { name: "tls", mountPath: "/etc/tls", secret: { secretName: "api-tls" } }');
    }
    const defaultMode = checkMode(scope, `${field}.defaultMode`, v.defaultMode ?? MAX_FILE_MODE);
    const at = `${field}.${kinds[0]}`;
    if (v.secret) volumes.push({ name: volume, secret: { secretName: checkObjectName(scope, `${at}.secretName`, v.secret.secretName), items: checkItems(scope, `${at}.items`, v.secret.items), defaultMode } });
    if (v.configMap) volumes.push({ name: volume, configMap: { name: checkObjectName(scope, `${at}.name`, v.configMap.name), items: checkItems(scope, `${at}.items`, v.configMap.items), defaultMode } });
    if (v.downwardAPI) volumes.push({ name: volume, downwardApi: { items: checkDownward(scope, `${at}.items`, v.downwardAPI.items, containers[0]), defaultMode } });
    if (v.projected) volumes.push({ name: volume, projected: { sources: checkSources(scope, `${at}.sources`, v.projected.sources, containers[0]), defaultMode } });
  });
  return { volumes, mounts, configMaps };
}

function list(scope: Construct, field: string, value: unknown): any[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) refuse(scope, field, value, 'must be a list', `give ${field} as a list`);
  return value;
}

function checkMountPath(scope: Construct, field: string, value: unknown): string {
  const path = checkAbsolutePath(scope, field, value);
  if (path === '/') refuse(scope, field, value, 'is the root directory', 'mount the files at a directory of their own, e.g. "/etc/app"');
  return path;
}

function checkContainers(scope: Construct, field: string, value: unknown, containers: string[]): string[] {
  if (!Array.isArray(value) || value.length === 0) refuse(scope, field, value, 'must be a non-empty list of container names', `name containers of the pod: ${containers.join(', ')}`);
  value.forEach((c, i) => {
    if (!containers.includes(c)) refuse(scope, `${field}[${i}]`, c, 'names no container of the pod', `use one of ${containers.map(n => `"${n}"`).join(', ')}`);
  });
  return [...new Set(value as string[])];
}

function checkObjectName(scope: Construct, field: string, value: unknown): string {
  if (typeof value !== 'string' || dnsSubdomainProblem(value)) {
    refuse(scope, field, value, 'must be a DNS-1123 subdomain (an object name)', 'name the object of the namespace, e.g. "api-tls"');
  }
  return value;
}

function checkMode(scope: Construct, field: string, mode: unknown): number {
  if (typeof mode !== 'number' || !Number.isInteger(mode) || mode < 0 || (mode & ~MAX_FILE_MODE) !== 0) {
    refuse(scope, field, typeof mode === 'number' && Number.isInteger(mode) && mode >= 0 ? `0o${mode.toString(8)}` : mode,
      'is wider than 0o440: files of a volume are read by the owner and the pod\'s group only, and never written or executed',
      'use 0o440 (288 in JSON), or 0o400 (256) for owner-only');
  }
  return mode;
}

function relativePath(scope: Construct, field: string, value: unknown): string {
  const path = checkString(scope, field, value);
  if (path.startsWith('/') || path.split('/').some(p => p === '..' || p === '') || !/^[A-Za-z0-9._/-]+$/.test(path)) {
    refuse(scope, field, path, 'must be a relative path inside the volume, without ".."', 'write it like "tls.crt" or "conf/app.yaml"');
  }
  return path;
}

function checkItems(scope: Construct, field: string, items: unknown): k8s.KeyToPath[] | undefined {
  if (items === undefined) return undefined;
  const paths = new Set<string>();
  return list(scope, field, items).map((item: FileItem, i) => {
    const key = checkString(scope, `${field}[${i}].key`, item?.key);
    const problem = configMapKeyProblem(key);
    if (problem) refuse(scope, `${field}[${i}].key`, key, problem, 'name a key of the object');
    const path = relativePath(scope, `${field}[${i}].path`, item.path);
    if (paths.has(path)) refuse(scope, `${field}[${i}].path`, path, 'is listed twice', 'give each file its own path');
    paths.add(path);
    return { key, path };
  });
}

function checkDownward(scope: Construct, field: string, items: unknown, container: string): k8s.DownwardApiVolumeFile[] {
  const files = list(scope, field, items);
  if (files.length === 0) refuse(scope, field, items, 'must name at least one file', 'e.g. [{ path: "labels", fieldPath: "metadata.labels" }]');
  return files.map((f: DownwardFile, i) => {
    const at = `${field}[${i}]`;
    const path = relativePath(scope, `${at}.path`, f?.path);
    if ((f.fieldPath === undefined) === (f.resource === undefined)) {
      refuse(scope, at, f, 'must have exactly one of fieldPath and resource', 'e.g. { path: "name", fieldPath: "metadata.name" }');
    }
    if (f.fieldPath !== undefined) {
      if (typeof f.fieldPath !== 'string' || !DOWNWARD_FIELDS.test(f.fieldPath)) {
        refuse(scope, `${at}.fieldPath`, f.fieldPath, 'is not a field a downward-API volume can show',
          'use metadata.name, metadata.namespace, metadata.uid, metadata.labels, metadata.annotations or metadata.labels[\'<key>\']');
      }
      return { path, fieldRef: { fieldPath: f.fieldPath } };
    }
    if (typeof f.resource !== 'string' || !DOWNWARD_RESOURCES.test(f.resource)) {
      refuse(scope, `${at}.resource`, f.resource, 'is not a container resource', 'use limits.cpu, limits.memory, requests.cpu or requests.memory');
    }
    return { path, resourceFieldRef: { containerName: container, resource: f.resource } };
  });
}

function checkSources(scope: Construct, field: string, sources: unknown, container: string): k8s.VolumeProjection[] {
  const all = list(scope, field, sources);
  if (all.length === 0) refuse(scope, field, sources, 'must have at least one source', 'e.g. [{ secret: { name: "api-tls" } }]');
  return all.map((s: ProjectedSource & Record<string, unknown>, i) => {
    const at = `${field}[${i}]`;
    if (s?.serviceAccountToken !== undefined) {
      refuse(scope, `${at}.serviceAccountToken`, '<token request>', 'asks for a service account token, which these pods run without',
        'remove it; a service that must read the Kubernetes API asks for kubernetesApi (or a HardenedPod for apiToken), which projects a bound token and writes its reason');
    }
    const kinds = (['secret', 'configMap', 'downwardAPI'] as const).filter(k => s?.[k] !== undefined);
    if (kinds.length !== 1 || Object.keys(s).length !== 1) {
      refuse(scope, at, Object.keys(s ?? {}), 'must have exactly one of secret, configMap and downwardAPI', 'e.g. { secret: { name: "api-tls" } }');
    }
    if (s.secret) return { secret: { name: checkObjectName(scope, `${at}.secret.name`, s.secret.name), items: checkItems(scope, `${at}.secret.items`, s.secret.items) } };
    if (s.configMap) return { configMap: { name: checkObjectName(scope, `${at}.configMap.name`, s.configMap.name), items: checkItems(scope, `${at}.configMap.items`, s.configMap.items) } };
    return { downwardApi: { items: checkDownward(scope, `${at}.downwardAPI.items`, s.downwardAPI!.items, container) } };
  });
}

/** A ConfigMap's data from the spec: keys are file names, values hold no credential, 1 MiB in all. */
function checkConfigData(scope: Construct, field: string, data: unknown): Record<string, string> {
  if (typeof data !== 'object' || data === null || Array.isArray(data) || Object.keys(data).length === 0) {
    refuse(scope, field, data, 'must be a non-empty map of file name to content', 'write it like { "app.yaml": "port: 8080\\n" }');
  }
  // Sized first: the credential patterns are not meant for megabytes.
  const bytes = Object.entries(data).reduce((n, [k, v]) => n + Buffer.byteLength(k) + (typeof v === 'string' ? Buffer.byteLength(v) : 0), 0);
  if (bytes > CONFIG_MAP_MAX_BYTES) {
    refuse(scope, field, `${bytes} bytes`, `is more than the ${CONFIG_MAP_MAX_BYTES} bytes (1 MiB) a ConfigMap holds`, 'split the files over several configFiles, or build them into the image');
  }
  for (const [key, value] of Object.entries(data)) {
    const problem = configMapKeyProblem(key);
    if (problem) refuse(scope, field, key, `has a file name that ${problem}`, 'name the file with letters, digits, "-", "_" and ".", e.g. "app.yaml"');
    if (typeof value !== 'string') refuse(scope, `${field}.${key}`, typeof value, 'must be a string', 'write the file\'s content as a string');
    const held = credentialInValue(value);
    const found = looksLikeCredential(key) ? 'is named like a credential' : held && `holds ${held}`;
    if (found) {
      refuse(scope, `${field}.${key}`, '<redacted>', `${found}, and a ConfigMap is committed to Git and readable without the rights a Secret needs`,
        'put the file in a Secret made outside Git and mount it with volumes: [{ name, mountPath, secret: { secretName } }]');
    }
  }
  return data as Record<string, string>;
}
