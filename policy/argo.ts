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
/** RFC 1123 subdomain: Kubernetes service account names, and a DNS-ish Argo CD cluster name. */
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

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

/**
 * What Argo CD compares (util/git NormalizeGitURL): lower case, no `.git` suffix, and ssh URLs
 * without `ssh://`, with `git@host:path` written `git@host/path`.
 */
export function normalizeRepo(repo: string): string {
  let r = repo.trim().toLowerCase();
  if (r.startsWith('ssh://')) r = r.slice('ssh://'.length);
  else if (!r.includes('://')) r = r.replace(':', '/');
  return r.endsWith('.git') ? r.slice(0, -'.git'.length) : r;
}

/** Whether Argo CD's source check would let `pattern` admit `repo`. */
export function repoMatches(pattern: string, repo: string): boolean {
  return globToRegExp(normalizeRepo(pattern)).test(normalizeRepo(repo));
}

/**
 * gobwas/glob with `/` as separator, as Argo CD matches sourceRepos: `*` and `?` stay within one
 * path segment, `**` crosses them, `[...]`/`[!...]` are classes and `{a,b}` alternatives.
 */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') { out += '.*'; i++; } else { out += '[^/]*'; }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) { out += '\\['; continue; }
      let body = glob.slice(i + 1, end);
      const negated = body.startsWith('!');
      if (negated) body = body.slice(1);
      out += `[${negated ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else if (c === '{') {
      braces++; out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--; out += ')';
    } else if (c === ',' && braces > 0) {
      out += '|';
    } else if (c === '\\' && i + 1 < glob.length) {
      out += escapeRegExp(glob[++i]);
    } else {
      out += escapeRegExp(c);
    }
  }
  return new RegExp(`^${out}${')'.repeat(braces)}$`);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
