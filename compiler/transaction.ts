import * as fs from 'fs';
import * as path from 'path';
import * as lockfile from 'proper-lockfile';

/*
 * Replacing several folders (dist/ and the report folder) as one transaction: they change together
 * or not at all, and a crash at any point is either invisible or repaired by the next synth.
 *
 * All working state lives in `.guardrails/` in the folders' common parent, never inside a folder
 * that ArgoCD syncs, guarded by the lock `.guardrails.lock` beside it:
 *
 *   .guardrails/new-<i>/       folder i as it will be (staging)
 *   .guardrails/old-<i>/       folder i as it was, once retired
 *   .guardrails/journal.json   the commit record: the folders, in order, that new-<i> replace
 *
 * The steps, each named as the `faults` hook sees it just before the step runs:
 *
 *   stage <folder>/<file>   write each file into new-<i> and fsync it
 *   sync staging            fsync the staged folders, so no entry is lost to a power cut
 *   write journal           write journal.json.tmp and fsync it
 *   commit journal          rename it to journal.json, fsync .guardrails/      <- commit point
 *   retire <folder>         per folder: rename the folder, if any, to old-<i>
 *   install <folder>                    rename new-<i> to the folder
 *   sync folders            fsync the folders' parents, so the renames outlive a power cut
 *   drop journal            delete journal.json, fsync .guardrails/            <- end
 *   clean up                delete .guardrails/
 *
 * Repair runs under the lock before anything else. No journal: the crash came before the commit
 * point (the folders were never touched) or after the end (they are complete), so `.guardrails/` is
 * deleted. A journal: staging was complete, so the renames are rolled forward from `retire`. That
 * is idempotent because each folder's state says how far it got: new-<i> gone means installed; the
 * folder missing means retired but not installed. Between `retire` and `install` of a folder it is
 * briefly missing, and between the folders the pair is mixed; the journal covers both windows.
 *
 * An I/O failure (EACCES, ENOSPC...) before the commit point deletes the staging; after it, the
 * renames done so far are undone in reverse, so the folders are left as they were and the failure
 * is reported as one line. Any other exception (a bug, or a test simulating a crash) leaves
 * everything as it is for the next synth to repair, as a killed process would.
 */

/** A failure the user can act on: what went wrong, where, and the fix. */
export class TransactionError extends Error {
  constructor(what: string, where: string, fix: string) {
    super(`${what} at ${where}. Fix: ${fix}`);
    this.name = 'TransactionError';
  }
}

export interface TransactionOptions {
  /** Where notes about a repaired interrupted synth go. */
  readonly log: (line: string) => void;
  /**
   * Called with each step's name just before the step runs (including steps of a repair); tests
   * throw here to fail (an error with an errno `code`) or crash (any other error) at that step.
   * @default - no faults
   */
  readonly faults?: (step: string) => void;
}

/**
 * Replaces each folder (a key of `contents`) with exactly its files, all in one transaction
 * (see the protocol above), after repairing any interrupted one.
 * @throws TransactionError when it cannot, leaving every folder as it was
 */
export function replaceFolders(contents: Record<string, Record<string, string>>, options: TransactionOptions): void {
  const folders = Object.keys(contents).map(f => path.resolve(f));
  const tx = new Transaction(folders, options);
  tx.guard(() => fs.mkdirSync(tx.parent, { recursive: true }));
  tx.underLock(() => {
    tx.guard(() => folders.forEach(refuseNonFolder));
    tx.commit(Object.values(contents));
  });
}

/**
 * Repairs an interrupted transaction over `folders`, if there is one; for a synth that writes nothing.
 * @throws TransactionError when it cannot
 */
export function repairFolders(folders: string[], options: TransactionOptions): void {
  const tx = new Transaction(folders.map(f => path.resolve(f)), options);
  if (fs.existsSync(tx.state)) tx.underLock(() => undefined);
}

/**
 * How long to wait for another synth's lock, and after how long without an update a lock is a crashed
 * synth's. A synth holds the lock only for its file-system work (tens of milliseconds) and synchronously,
 * so proper-lockfile's refresh timer never runs; 10 s is far beyond any live holder.
 */
const LOCK_ATTEMPTS = 5;
const LOCK_RETRY_MS = 150;
const LOCK_STALE_MS = 10_000;

const JOURNAL = 'journal.json';

class Transaction {
  readonly parent: string;
  readonly state: string;
  private readonly lock: string;
  private readonly fault: (step: string) => void;

  constructor(private readonly folders: string[], private readonly options: TransactionOptions) {
    refuseOverlap(folders);
    this.parent = commonParent(folders);
    this.state = path.join(this.parent, '.guardrails');
    this.lock = path.join(this.parent, '.guardrails.lock');
    this.fault = options.faults ?? (() => undefined);
  }

  /** Takes the lock, repairs an interrupted transaction, runs `work`, and releases the lock even on a crash. */
  underLock(work: () => void): void {
    const release = this.guard(() => this.acquire());
    try {
      this.guard(() => this.repair());
      work();
    } finally {
      this.guard(release);
    }
  }

  /** Stages `contents[i]` for `folders[i]`, then swaps them all in (see the protocol above). */
  commit(contents: Record<string, string>[]): void {
    this.guard(() => {
      try {
        this.stage(contents);
      } catch (e) {
        if (isIoError(e)) fs.rmSync(this.state, { recursive: true, force: true });
        throw e;
      }
      this.finish(this.folders);
    });
  }

  /** Runs `step`, turning an I/O error into a {@link TransactionError}. */
  guard<T>(step: () => T): T {
    try {
      return step();
    } catch (e) {
      if (!isIoError(e)) throw e;
      throw explain(e);
    }
  }

  private acquire(): () => void {
    for (let attempt = 1; ; attempt++) {
      try {
        return lockfile.lockSync(this.parent, { lockfilePath: this.lock, stale: LOCK_STALE_MS });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw e;
        if (attempt === LOCK_ATTEMPTS) {
          throw new TransactionError('another synth holds the lock', this.lock,
            `wait for it to finish and run synth again; a lock left by a crashed synth is taken over after ${LOCK_STALE_MS / 1000} s`);
        }
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, LOCK_RETRY_MS);
      }
    }
  }

  private repair(): void {
    if (!fs.existsSync(this.state)) return;
    const journal = path.join(this.state, JOURNAL);
    if (!fs.existsSync(journal)) {
      fs.rmSync(this.state, { recursive: true, force: true });
      this.options.log(`removed the leftovers of an interrupted synth from ${this.state}/`);
      return;
    }
    const folders = readJournal(journal).map(f => path.join(this.parent, f));
    this.finish(folders);
    this.options.log(`finished the interrupted synth recorded in ${journal}`);
  }

  private stage(contents: Record<string, string>[]): void {
    const staged = new Set<string>([this.state]);
    fs.mkdirSync(this.state, { recursive: true });
    contents.forEach((files, i) => {
      const root = this.staged(i);
      fs.mkdirSync(root);
      staged.add(root);
      for (const file of Object.keys(files).sort()) {
        this.fault(`stage ${path.relative(this.parent, path.join(this.folders[i], file))}`);
        const target = path.join(root, file);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        for (let dir = path.dirname(target); dir !== root; dir = path.dirname(dir)) staged.add(dir);
        writeDurably(target, files[file]);
      }
    });
    this.fault('sync staging');
    for (const dir of staged) syncFolder(dir);
    this.fault('write journal');
    const journal = path.join(this.state, JOURNAL);
    writeDurably(`${journal}.tmp`, `${JSON.stringify({ folders: this.folders.map(f => path.relative(this.parent, f)) })}\n`);
    this.fault('commit journal');
    fs.renameSync(`${journal}.tmp`, journal);
    syncFolder(this.state);
  }

  /**
   * Rolls the renames of a committed transaction forward and ends it; on an I/O failure undoes them
   * instead, so the folders are as they were. Either way the journal goes last: until then a repair
   * can always redo the work.
   */
  private finish(folders: string[]): void {
    try {
      this.rollForward(folders);
      this.end();
    } catch (e) {
      if (!isIoError(e)) throw e;
      if (!this.undo(folders)) {
        this.options.log(`the next synth finishes the interrupted replacement recorded in ${path.join(this.state, JOURNAL)}`);
        throw e;
      }
      this.end();
      this.cleanUp();
      throw e;
    }
    this.cleanUp();
  }

  private rollForward(folders: string[]): void {
    folders.forEach((folder, i) => {
      if (!fs.existsSync(this.staged(i))) return;
      const name = path.relative(this.parent, folder);
      if (fs.existsSync(folder)) {
        this.fault(`retire ${name}`);
        fs.rmSync(this.retired(i), { recursive: true, force: true });
        fs.renameSync(folder, this.retired(i));
      }
      this.fault(`install ${name}`);
      fs.renameSync(this.staged(i), folder);
    });
    this.fault('sync folders');
    for (const dir of new Set([this.state, ...folders.map(f => path.dirname(f))])) syncFolder(dir);
  }

  /** Undoes the renames in reverse; false if that failed too (the journal then stays for the next synth). */
  private undo(folders: string[]): boolean {
    try {
      for (let i = folders.length - 1; i >= 0; i--) {
        if (!fs.existsSync(this.staged(i))) fs.renameSync(folders[i], this.staged(i));
        if (fs.existsSync(this.retired(i))) fs.renameSync(this.retired(i), folders[i]);
      }
      return true;
    } catch (e) {
      if (!isIoError(e)) throw e;
      return false;
    }
  }

  private end(): void {
    this.fault('drop journal');
    fs.rmSync(path.join(this.state, JOURNAL), { force: true });
    syncFolder(this.state);
  }

  private cleanUp(): void {
    try {
      this.fault('clean up');
      fs.rmSync(this.state, { recursive: true, force: true });
    } catch (e) {
      // The folders are complete; a leftover staging folder is removed by the next synth's repair.
      if (!isIoError(e)) throw e;
      this.options.log(`note: could not remove ${this.state}/ (${e.code}); the next synth removes it`);
    }
  }

  private staged(i: number): string {
    return path.join(this.state, `new-${i}`);
  }

  private retired(i: number): string {
    return path.join(this.state, `old-${i}`);
  }
}

/** Writes a file and flushes it to disk, so a power cut after a later rename cannot leave it empty. */
function writeDurably(file: string, content: string): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Flushes a folder's entries (created, renamed, deleted) to disk; Windows cannot open a folder for that. */
function syncFolder(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function readJournal(journal: string): string[] {
  const fix = 'check that the folders it names are complete, then delete the journal and run synth again';
  let folders: unknown;
  try {
    folders = JSON.parse(fs.readFileSync(journal, 'utf8')).folders;
  } catch (e) {
    if (isIoError(e)) throw e;
    throw new TransactionError('an unreadable synth journal', journal, fix);
  }
  if (!Array.isArray(folders) || !folders.every(f => typeof f === 'string' && f && !path.isAbsolute(f) && !f.startsWith('..'))) {
    throw new TransactionError('an unreadable synth journal', journal, fix);
  }
  return folders;
}

/** A path that exists but is not a folder is someone's file: refuse rather than replace it. */
function refuseNonFolder(folder: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(folder);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (!stat.isDirectory()) {
    throw new TransactionError(`a ${stat.isSymbolicLink() ? 'symbolic link' : 'file'}, not a folder, stands where the output goes`,
      folder, 'move it away (synth replaces this path with a folder of generated files), or synth to another folder');
  }
}

/** A folder inside another (or the same twice) would be replaced twice, with its staging inside a synced folder. */
function refuseOverlap(folders: string[]): void {
  folders.forEach((a, i) => folders.forEach((b, j) => {
    const inside = path.relative(a, b);
    if (i !== j && (inside === '' || (!inside.startsWith('..') && !path.isAbsolute(inside)))) {
      throw new TransactionError(`the output folder ${b} is, or lies inside, another output folder`, a,
        'give dist/ and the report folder separate places, side by side');
    }
  }));
}

/** The deepest folder holding all of `folders`: the state folder and the lock go there, outside every output. */
function commonParent(folders: string[]): string {
  const parts = folders.map(f => path.dirname(f).split(path.sep));
  let n = 0;
  while (n < parts[0].length && parts.every(p => p[n] === parts[0][n])) n++;
  return parts[0].slice(0, n).join(path.sep) || path.sep;
}

function isIoError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string';
}

const PROBLEMS: Record<string, [string, string]> = {
  EACCES: ['permission denied', 'make the folder writable by this user, or synth to another folder (CDK8S_OUTDIR)'],
  EPERM: ['operation not permitted', 'make the folder writable by this user, or synth to another folder (CDK8S_OUTDIR)'],
  EROFS: ['read-only file system', 'synth to a folder on a writable file system (CDK8S_OUTDIR)'],
  ENOSPC: ['no space left on the device', 'free some space and run synth again'],
  EDQUOT: ['disk quota exceeded', 'free some space or raise the quota, and run synth again'],
  ENOTDIR: ['a file stands where a folder should be', 'move the file away, or synth to another folder (CDK8S_OUTDIR)'],
  EEXIST: ['something is in the way', 'move it away and run synth again'],
  ENOTEMPTY: ['something is in the way', 'move it away and run synth again'],
  EXDEV: ['the output folders are on different file systems', 'keep dist/ and the report folder on one file system'],
};

function explain(e: NodeJS.ErrnoException): TransactionError {
  const [problem, fix] = PROBLEMS[e.code!] ?? ['a file-system error', 'check the file system and run synth again'];
  return new TransactionError(`${problem} (${e.code})`, e.path ?? 'an output folder', fix);
}
