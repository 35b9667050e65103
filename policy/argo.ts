import { refuse, GuardrailError, Scope } from './errors';

/**
 * Argo CD's repo URL and glob matching, as its project checks apply them: shared by the gate
 * (AppProjects and Applications of any origin) and by the ArgoProject construct.
 */

function checkString(scope: Scope, field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) refuse(scope, field, value, 'must be a non-empty string', `set ${field} to a string`);
  return value;
}

/** Characters that Argo CD's glob matching (gobwas/glob) treats as special, plus its `!` deny prefix. */
export const GLOB_CHARS = /[*?[\]{}!\\]/;

/** A host name or IP address, optionally with a port; upper case allowed (e.g. EKS endpoints). */
export const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$/;
/** A user in a URL authority or in `user@host:path`. */
const USER = /^[A-Za-z0-9._-]+$/;

const REPO_FORMS = 'an https://host/owner/repo, ssh://[user@]host/owner/repo or git@host:owner/repo URL';

/**
 * The literal head of a repo URL (scheme, host, owner) and the rest of its path. A glob in the head
 * would reach other owners' or other hosts' repos; in the rest, only the owner's own.
 */
interface RepoParts {
  readonly user?: string;
  readonly host: string;
  readonly owner: string;
  readonly rest: string;
}

function splitRepo(value: string): RepoParts | undefined {
  const url = /^(https|ssh):\/\/(?:([^@/]+)@)?([^/]+)\/([^/]*)(\/.*)?$/.exec(value);
  if (url) {
    // A user before the host is normal for ssh://, but in https:// it is a credential in Git.
    if (url[1] === 'https' && url[2] !== undefined) return undefined;
    return { user: url[2], host: url[3], owner: url[4], rest: url[5] ?? '' };
  }
  if (value.includes('://')) return undefined;
  const scp = /^([^@/:]+)@([^:/]+):([^/]*)(\/.*)?$/.exec(value);
  return scp ? { user: scp[1], host: scp[2], owner: scp[3], rest: scp[4] ?? '' } : undefined;
}

/**
 * Why Argo CD's `sourceRepos` must not hold `pattern`, or `undefined` when it may: the same
 * check that {@link ArgoProject} applies, for the policy gate to judge AppProjects of any origin.
 */
export function sourceRepoProblem(pattern: unknown): string | undefined {
  try {
    checkRepoUrl('', 'sourceRepos', pattern, true);
    return undefined;
  } catch (e) {
    if (e instanceof GuardrailError) return `${e.problem}. Fix: ${e.fix}`;
    throw e;
  }
}

/**
 * Why `pattern` is not a literal Helm chart repository as {@link checkChartRepoUrl} accepts it, or
 * `undefined` when it is one. The gate admits such an entry in `sourceRepos` besides Git repos:
 * a chart registry root (`https://charts.jetstack.io`) or an OCI chart (`oci://ghcr.io/acme/charts/api`)
 * is one repo when written literally; a glob over it never is.
 */
export function chartRepoProblem(pattern: unknown): string | undefined {
  try {
    checkChartRepoUrl('', 'repoURL', pattern);
    return undefined;
  } catch (e) {
    if (e instanceof GuardrailError) return `${e.problem}. Fix: ${e.fix}`;
    throw e;
  }
}

/** Why Argo CD's `sourceRepos` must not hold `pattern`: a Git repo pattern as {@link checkRepoUrl} allows, or a literal chart repo. */
export function projectSourceProblem(pattern: unknown): string | undefined {
  if (typeof pattern === 'string' && /^(https|oci):\/\//i.test(pattern) && chartRepoProblem(pattern) === undefined) return undefined;
  if (typeof pattern === 'string' && /^oci:\/\//i.test(pattern)) return chartRepoProblem(pattern);
  return sourceRepoProblem(pattern);
}

/** One path segment of a chart repo URL: no glob, no escape, no `.` or `..`. */
const CHART_SEGMENT = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$/;

/**
 * A Helm chart repository, literally: `https://host[:port][/path]` (a classic Helm repository,
 * whose root may be the host itself, e.g. `https://charts.jetstack.io`) or `oci://host[:port]/path`
 * (an OCI registry path, lower case as OCI names are). No glob, user, query, fragment, trailing
 * `/` or `.`/`..` segment: Argo CD compares `sourceRepos` to the Application's repoURL after
 * lower-casing and trimming `.git` (util/git NormalizeGitURL, which it applies to Helm and OCI
 * URLs too), so the project entry must be spelled as the source is.
 */
export function checkChartRepoUrl(scope: Scope, field: string, value: unknown): string {
  const repo = checkString(scope, field, value);
  const forms = 'an https://host[/path] Helm repository or an oci://host/path registry path';
  if (GLOB_CHARS.test(repo)) {
    refuse(scope, field, repo, 'a chart repository is one literal URL: a glob over a registry trusts every chart in it, and a "!" admits every other repo',
      `write the repository literally, as ${forms}`);
  }
  const url = /^(https|oci):\/\/([^/@?#\s]+)((?:\/[^/?#\s]+)*)$/.exec(repo);
  if (!url || !HOST.test(url[2]) || !url[3].split('/').slice(1).every(s => CHART_SEGMENT.test(s)) || repo.toLowerCase().endsWith('.git')) {
    refuse(scope, field, repo, `must be ${forms}, without user, query, trailing "/" or "." segments`,
      'use e.g. "https://charts.jetstack.io" or "oci://ghcr.io/acme/charts" (plain http://, scheme-less OCI and credentials in the URL are refused)');
  }
  if (url[1] === 'oci' && (url[3] === '' || /[A-Z]/.test(repo))) {
    refuse(scope, field, repo, 'an OCI chart repository is a lower-case registry path below the host',
      'write it like "oci://ghcr.io/acme/charts" (the chart name is appended)');
  }
  return repo;
}

/** An exact SemVer 2 version, with an optional `v` as some charts tag theirs (cert-manager's `v1.14.4`). */
const EXACT_SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;
/** An OCI manifest digest. */
const OCI_DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * Why `version` does not pin one chart version, or `undefined` when it does: an exact SemVer
 * (`1.2.3`, `v1.14.4`, `2.0.0-rc.1`), or for an OCI chart also a `sha256:` digest. Argo CD reads a
 * Helm targetRevision as a SemVer constraint, so `^1.2`, `~1.2.3`, `1.2.x`, `1.2`, `*`, `>=1`,
 * ranges and `latest` all follow whatever the registry publishes next.
 */
export function chartVersionProblem(version: unknown, oci: boolean): string | undefined {
  if (version === undefined || version === null || version === '') return 'no version: Argo CD would take the newest chart the registry offers';
  // YAML 1.1 reads `targetRevision: 1.14` as a number, which Argo CD would not read as this version.
  if (typeof version !== 'string') return `${JSON.stringify(version)} is not a string: write the exact version in quotes`;
  if (EXACT_SEMVER.test(version) || (oci && OCI_DIGEST.test(version))) return undefined;
  return `"${version}" is not one exact version: Argo CD reads a chart's targetRevision as a SemVer constraint and follows what the registry publishes`;
}

/** True when Argo CD would read `value` as a pattern rather than a literal name. */
export function isGlob(value: string): boolean {
  return GLOB_CHARS.test(value);
}

export function checkRepoUrl(scope: Scope, field: string, value: unknown, allowGlob: boolean): string {
  const repo = checkString(scope, field, value);
  if (/\s/.test(repo)) {
    refuse(scope, field, repo, 'a repo URL cannot contain whitespace', `write ${field} as ${REPO_FORMS}`);
  }
  if (repo.startsWith('!')) {
    refuse(scope, field, repo, 'negations ("!...") are deny rules that Argo CD reads as "every repo except this one"',
      'list only the repos the project may use; anything not listed is already refused');
  }
  const parts = splitRepo(repo);
  const head = parts ? [parts.user ?? '', parts.host, parts.owner].join('') : repo;
  if (GLOB_CHARS.test(head)) {
    refuse(scope, field, repo, 'a glob before the owner matches repos of every owner or every host',
      allowGlob
        ? 'list repos literally, e.g. "https://github.com/acme/shop", or glob only after a literal host and owner, e.g. "https://github.com/acme/*"'
        : `set ${field} to the one repo's literal URL, e.g. "https://github.com/acme/shop"`);
  }
  if (!parts || !HOST.test(parts.host) || (parts.user !== undefined && !USER.test(parts.user)) || parts.owner === '') {
    refuse(scope, field, repo, `must be ${REPO_FORMS}`,
      'use an https://, ssh:// or git@host:path URL (plain http:// and credentials in the URL are refused)');
  }
  const segments = [parts.owner, ...parts.rest.split('/').slice(1)];
  if (segments.some(s => s === '.' || s === '..')) {
    refuse(scope, field, repo, '"." and ".." path segments can climb out of the owner the URL seems to name',
      'write the path without "." or ".." segments');
  }
  if (!allowGlob && GLOB_CHARS.test(parts.rest)) {
    refuse(scope, field, repo, 'must name one repo, not a pattern', `set ${field} to the repo's literal URL`);
  }
  return repo;
}


// ---------------------------------------------------------------------------------------------
// Argo CD's project matching, as argoproj/argo-cd applies it (AppProject.IsSourcePermitted and
// IsDestinationPermitted in pkg/apis/application/v1alpha1/app_project_types.go, util/glob over
// gobwas/glob, util/git NormalizeGitURL). Written from those sources and their tests; where Argo
// CD's behaviour hangs on details we do not model (Go's URL re-escaping, glob compile errors), the
// answer is `undefined`: "cannot judge", which the rules report, never a pass.
// ---------------------------------------------------------------------------------------------

/** Namespaces no tenant project may deploy into, besides the Argo CD namespace itself. */
export const PLATFORM_NAMESPACES: readonly string[] = ['kube-system', 'kube-public', 'kube-node-lease', 'default'];
/** Where Argo CD runs unless the AppProjects of a set live elsewhere. */
export const DEFAULT_ARGO_NAMESPACE = 'argocd';

/** A three-valued answer: `undefined` means we cannot tell. */
export type Judgement = boolean | undefined;

/**
 * gobwas/glob as a RegExp, or `undefined` when the pattern does not compile (or compiles to
 * something we do not model). With `separator` `/`, `*` and `?` stay within one path segment and
 * `**` crosses them; without one, `*` matches anything. `[abc]`, `[!abc]` and `[a-z]` are one
 * character, `{a,b}` are alternatives (nesting allowed), `\` escapes the next character.
 */
export function compileGlob(pattern: string, separator?: '/'): RegExp | undefined {
  const chars = [...pattern];
  const any = separator ? '[^/]' : '.';
  let out = '';
  let depth = 0;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '*') {
      if (chars[i + 1] === '*') { out += '.*'; i++; } else { out += `${any}*`; }
    } else if (c === '?') {
      out += any;
    } else if (c === '[') {
      // gobwas: an optional leading "!", then either one "lo-hi" range or a list of characters.
      let j = i + 1;
      const negated = chars[j] === '!';
      if (negated) j++;
      if (j < chars.length && chars[j + 1] === '-') {
        // "lo-hi" takes the two characters as they are (even "]"), then must close.
        const [lo, hi] = [chars[j], chars[j + 2]];
        if (hi === undefined || chars[j + 3] !== ']' || lo.codePointAt(0)! > hi.codePointAt(0)!) return undefined;
        out += `[${negated ? '^' : ''}${literalInClass(lo)}-${literalInClass(hi)}]`;
        i = j + 3;
      } else {
        const list: string[] = [];
        for (; j < chars.length && chars[j] !== ']'; j++) {
          if (chars[j] === '\\') j++;
          if (j < chars.length) list.push(chars[j]);
        }
        if (j >= chars.length || list.length === 0) return undefined;
        out += `[${negated ? '^' : ''}${list.map(literalInClass).join('')}]`;
        i = j;
      }
    } else if (c === '{') {
      depth++; out += '(?:';
    } else if (c === '}' && depth > 0) {
      depth--; out += ')';
    } else if (c === ',' && depth > 0) {
      out += '|';
    } else if (c === '\\') {
      // A trailing "\" escapes nothing and gobwas drops it.
      if (i + 1 < chars.length) out += literal(chars[++i]);
    } else {
      out += literal(c);
    }
  }
  if (depth > 0) return undefined;
  try {
    return new RegExp(`^${out}$`, 'su');
  } catch {
    return undefined;
  }
}

const literal = (c: string) => (/[A-Za-z0-9]/.test(c) ? c : `\\u{${c.codePointAt(0)!.toString(16)}}`);
const literalInClass = literal;

/** True when `pattern` is nothing but `*`s: it matches every value (every segment, without a separator). */
function matchesEverything(pattern: string): boolean {
  return /^\*+$/.test(pattern);
}

/**
 * Argo CD's globMatch: with `negation`, a pattern `!p` matches what `p` does not. `value`
 * `undefined` stands for a value we do not know (e.g. the name of the cluster an Application
 * names by server); it is never empty.
 */
export function globMatch(pattern: string, value: string | undefined, negation: boolean, separator?: '/'): Judgement {
  if (negation && pattern.startsWith('!')) {
    const inner = globMatch(pattern.slice(1), value, false, separator);
    return inner === undefined ? undefined : !inner;
  }
  if (pattern === '*') return true;
  if (value === undefined) return pattern === '' ? false : matchesEverything(pattern) && !separator ? true : undefined;
  return compileGlob(pattern, separator)?.test(value);
}

/** util/git's test for scp-style and ssh:// URLs. */
const SSH_URL = /^(ssh:\/\/)?([^/:]*?)@[^@]+$/;
/** What we know Go's url.Parse + String() gives back unchanged. */
const PLAIN_CHARS = /^[a-z0-9._~\-/:@*?!,[\]]*$/;

/**
 * Argo CD's NormalizeGitURL: lower case, trimmed, `git@host:path` read as `ssh://git@host/path`,
 * no `.git` suffix, and no `ssh://` prefix. `undefined` when Go's URL parser would reject or
 * re-escape the URL (percent signs, braces, spaces, a user with glob characters, a port that is
 * not a number, a colon in the first segment of a URL without a scheme, ...): Argo CD then
 * compares something other than what is written, so we cannot judge it.
 */
export function normalizeGitUrl(repo: string): string | undefined {
  let r = repo.trim().toLowerCase();
  if (SSH_URL.test(r) && !r.startsWith('ssh://')) r = `ssh://${r.replace(':', '/')}`;
  if (r.endsWith('.git')) r = r.slice(0, -'.git'.length);
  if (!PLAIN_CHARS.test(r) || r.includes('?')) return undefined;
  const scheme = /^([^/:]*):\/\//.exec(r);
  if (scheme) {
    if (!/^[a-z][a-z0-9+.-]*$/.test(scheme[1])) return undefined;
    const authority = r.slice(scheme[0].length).split('/')[0];
    const at = authority.lastIndexOf('@');
    const [user, hostPort] = at < 0 ? [undefined, authority] : [authority.slice(0, at), authority.slice(at + 1)];
    if (user !== undefined && !/^[a-z0-9._~-]+$/.test(user)) return undefined;
    const hostMatch = /^([^:[\]@]*)(:[0-9]*)?$/.exec(hostPort);
    if (!hostMatch) return undefined;
  } else if (r.split('/')[0].includes(':') || r.startsWith('//')) {
    return undefined;
  }
  return r.startsWith('ssh://') ? r.slice('ssh://'.length) : r;
}

/** What Argo CD compares: {@link normalizeGitUrl}, or the trimmed lower-case URL when that cannot judge it. */
export function normalizeRepo(repo: string): string {
  return normalizeGitUrl(repo) ?? repo.trim().toLowerCase();
}

/** Whether Argo CD's source check would surely let `pattern` admit `repo`. */
export function repoMatches(pattern: string, repo: string): boolean {
  return isSourcePermitted([pattern], repo) === true;
}

/**
 * Folds Argo CD's "first deny wins, else any allow" loop over `items` when some answers are
 * unknown: every path through the loop is followed, and the answer is known only when all agree.
 */
function foldPermission<T>(items: readonly T[], step: (item: T) => { matched: Judgement; deny: Judgement[] }): Judgement {
  let running = new Set<boolean>([false]);
  const outcomes = new Set<boolean>();
  const both = (j: Judgement) => (j === undefined ? [true, false] : [j]);
  for (const item of items) {
    if (running.size === 0) break;
    const { matched, deny } = step(item);
    const next = new Set<boolean>();
    for (const any of running) {
      for (const m of both(matched)) {
        if (m) { next.add(true); continue; }
        // Not matched: each deny condition, in order, may end the loop with "not permitted".
        const stays = deny.reduce((alive, d) => {
          if (!alive) return false;
          const ds = both(d);
          if (ds.includes(true)) outcomes.add(false);
          return ds.includes(false);
        }, true);
        if (stays) next.add(any);
      }
    }
    running = next;
  }
  running.forEach(r => outcomes.add(r));
  return outcomes.size === 1 ? [...outcomes][0] : undefined;
}

/**
 * AppProject.IsSourcePermitted: `repo` is permitted when some `sourceRepos` pattern matches it
 * (globs with `/` as separator, after normalizing both) and no `!` pattern excludes it. Beware
 * Argo CD's reading of `!p`: it also *admits* every repo that `p` does not match.
 */
export function isSourcePermitted(sourceRepos: readonly unknown[], repo: string): Judgement {
  const src = normalizeGitUrl(repo);
  if (src === undefined) return undefined;
  return foldPermission(sourceRepos, raw => {
    if (typeof raw !== 'string') return { matched: undefined, deny: [undefined] };
    const trimmed = raw.trim();
    const deny = trimmed.startsWith('!');
    const norm = normalizeGitUrl(deny ? trimmed.slice(1) : trimmed);
    if (norm === undefined) return { matched: undefined, deny: [deny ? undefined : false] };
    const matched = globMatch(deny ? `!${norm}` : norm, src, true, '/');
    return { matched, deny: [deny] };
  });
}

/** The cluster an Application deploys to; a field Argo CD would resolve but the manifests do not say is `undefined`. */
export interface DestinationCluster {
  readonly server?: string;
  readonly name?: string;
}

/** Argo CD's own cluster: always registered under this name and server unless the platform renames it. */
export const IN_CLUSTER = { name: 'in-cluster', server: 'https://kubernetes.default.svc' } as const;

/**
 * The cluster an Application's destination names, as far as the manifests tell: an Application
 * names its cluster by server or by name, and Argo CD fills in the other from its cluster list,
 * which is not in the manifests (except for the in-cluster default).
 */
export function destinationCluster(server: string | undefined, name: string | undefined): DestinationCluster {
  if (server && !name) return { server, name: server === IN_CLUSTER.server ? IN_CLUSTER.name : undefined };
  if (name && !server) return { name, server: name === IN_CLUSTER.name ? IN_CLUSTER.server : undefined };
  return { server, name };
}

/**
 * AppProject.IsDestinationPermitted (without permitOnlyProjectScopedClusters, which only narrows
 * it): some destination matches the cluster (by server or by name) and the namespace, and no
 * `!` destination excludes them, in Argo CD's order of evaluation. Destination globs have no
 * separator, so `*` matches anything.
 */
export function isDestinationPermitted(destinations: readonly unknown[], cluster: DestinationCluster, namespace: string): Judgement {
  const and = (a: Judgement, b: Judgement): Judgement => (a === false || b === false ? false : a === true && b === true ? true : undefined);
  const or = (a: Judgement, b: Judgement): Judgement => (a === true || b === true ? true : a === false && b === false ? false : undefined);
  const not = (a: Judgement): Judgement => (a === undefined ? undefined : !a);
  return foldPermission(destinations, raw => {
    const d: Record<string, unknown> = raw !== null && typeof raw === 'object' ? raw as Record<string, unknown> : {};
    const field = (k: string): string | undefined => (d[k] === undefined ? '' : typeof d[k] === 'string' ? d[k] as string : undefined);
    const [server, name, ns] = [field('server'), field('name'), field('namespace')];
    if (raw === null || typeof raw !== 'object' || server === undefined || name === undefined || ns === undefined) {
      return { matched: undefined, deny: [undefined] };
    }
    const nameMatched = cluster.name === '' ? false : globMatch(name, cluster.name, true);
    const serverMatched = cluster.server === '' ? false : globMatch(server, cluster.server, true);
    const nsMatched = globMatch(ns, namespace, true);
    const isDeny = (p: string) => p.startsWith('!');
    return {
      matched: and(or(serverMatched, nameMatched), nsMatched),
      deny: [
        or(and(not(nameMatched), isDeny(name)), and(and(not(serverMatched), isDeny(server)), nsMatched)),
        and(and(not(nsMatched), isDeny(ns)), serverMatched),
      ],
    };
  });
}
