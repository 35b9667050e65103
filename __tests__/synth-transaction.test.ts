import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as lockfile from 'proper-lockfile';
import { apps, platform } from '../apps';
import { synth } from '../compiler/synth';
import { repairFolders, replaceFolders, TransactionError } from '../compiler/transaction';
import { listFiles } from './dist-files';

type Pair = { dist: Record<string, string>; reports: Record<string, string> };
const OLD: Pair = { dist: { 'a.yaml': 'old a', 'sub/b.yaml': 'old b' }, reports: { 'r.md': 'old r' } };
const NEW: Pair = { dist: { 'a.yaml': 'new a', 'sub/c/d.yaml': 'new d' }, reports: { 'r.json': 'new j', 'r.md': 'new r' } };
const NEWER: Pair = { dist: { 'a.yaml': 'newer a' }, reports: { 'r.md': 'newer r' } };

/** The steps of writing NEW over OLD, in protocol order (see compiler/transaction.ts). */
const STEPS = [
  'stage dist/a.yaml', 'stage dist/sub/c/d.yaml', 'stage reports/r.json', 'stage reports/r.md',
  'sync staging', 'write journal', 'commit journal',
  'retire dist', 'install dist', 'retire reports', 'install reports',
  'sync folders', 'drop journal', 'clean up',
];
const AFTER_COMMIT = STEPS.slice(STEPS.indexOf('retire dist'), STEPS.indexOf('clean up'));

class Crash extends Error {}
const ioError = (code: string, at: string) => Object.assign(new Error(`${code}: simulated`), { code, path: at });
const snapshotOf = (dir: string) => Object.fromEntries(listFiles(dir).map(f => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));

/** fsync costs ~3 ms a file on a real disk; these tests pin the protocol, not the disk, so use memory when there is some. */
const TMP = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();

let work: string;
let dist: string;
let reports: string;
let lines: string[];
const log = (line: string) => { lines.push(line); };
const pair = (): Pair => ({ dist: snapshotOf(dist), reports: snapshotOf(reports) });
const write = (p: Pair, faults?: (step: string) => void) => replaceFolders({ [dist]: p.dist, [reports]: p.reports }, { log, faults });
/** A fault hook that throws at the first run of `step` (a repair may run a step again). */
const failAt = (step: string, error: () => Error) => {
  let fired = false;
  return (s: string) => {
    if (s === step && !fired) {
      fired = true;
      throw error();
    }
  };
};
const journal = () => path.join(work, '.guardrails', 'journal.json');

beforeEach(() => {
  work = fs.mkdtempSync(path.join(TMP, 'guardrails-tx-'));
  dist = path.join(work, 'dist');
  reports = path.join(work, 'reports');
  lines = [];
});
afterEach(() => {
  fs.chmodSync(work, 0o755);
  fs.rmSync(work, { recursive: true, force: true });
});

test('the transaction runs its steps in protocol order and leaves only the two folders', () => {
  write(OLD);
  const steps: string[] = [];
  write(NEW, s => steps.push(s));
  expect(steps).toEqual(STEPS);
  expect(pair()).toEqual(NEW);
  expect(fs.readdirSync(work).sort()).toEqual(['dist', 'reports']);
  expect(lines).toEqual([]);
});

describe.each([
  ['over an old pair', OLD],
  ['on a first synth', undefined],
])('a crash at any step %s', (_, before) => {
  const empty: Pair = { dist: {}, reports: {} };
  const crashAt = (step: string) => {
    if (before) write(before);
    expect(() => write(NEW, failAt(step, () => new Crash(step)))).toThrow(Crash);
  };

  test.each(STEPS.filter(s => before || !s.startsWith('retire')))('%s: leaves the old pair, or a journal the repair rolls forward', step => {
    crashAt(step);
    const committed = AFTER_COMMIT.includes(step);
    expect(fs.existsSync(journal())).toBe(committed);
    if (!committed) expect(pair()).toEqual(step === 'clean up' ? NEW : before ?? empty);
    if (before && step !== 'install dist') expect(fs.existsSync(dist)).toBe(true);
    repairFolders([dist, reports], { log });
    expect(pair()).toEqual(committed || step === 'clean up' ? NEW : before ?? empty);
    expect(fs.readdirSync(work).sort()).toEqual(before || committed || step === 'clean up' ? ['dist', 'reports'] : []);
    expect(lines).toEqual([expect.stringMatching(committed ? /^finished the interrupted synth/ : /^removed the leftovers of an interrupted synth/)]);
  });

  test.each(STEPS.filter(s => before || !s.startsWith('retire')))('%s: the next synth repairs it first, then writes its own pair', step => {
    crashAt(step);
    write(NEWER);
    expect(pair()).toEqual(NEWER);
    expect(fs.readdirSync(work).sort()).toEqual(['dist', 'reports']);
  });
});

test.each([...AFTER_COMMIT, 'clean up'])('a crash during a repair, at %s, is repaired by the next one', step => {
  write(OLD);
  expect(() => write(NEW, failAt('retire dist', () => new Crash()))).toThrow(Crash);
  const steps: string[] = [];
  expect(() => repairFolders([dist, reports], { log, faults: s => { steps.push(s); if (s === step) throw new Crash(); } })).toThrow(Crash);
  expect(steps).toContain(step);
  repairFolders([dist, reports], { log });
  expect(pair()).toEqual(NEW);
  expect(fs.readdirSync(work).sort()).toEqual(['dist', 'reports']);
});

test.each(STEPS.filter(s => s !== 'clean up'))('an I/O failure at %s leaves the old pair, no debris, and one line naming the path and the fix', step => {
  write(OLD);
  const at = path.join(work, 'somewhere');
  expect(() => write(NEW, failAt(step, () => ioError('ENOSPC', at)))).toThrow(
    new TransactionError('no space left on the device (ENOSPC)', at, 'free some space and run synth again'));
  expect(pair()).toEqual(OLD);
  expect(fs.readdirSync(work).sort()).toEqual(['dist', 'reports']);
});

test('an I/O failure while cleaning up keeps the new pair and leaves the leftovers to the next synth', () => {
  write(OLD);
  write(NEW, failAt('clean up', () => ioError('EBUSY', work)));
  expect(pair()).toEqual(NEW);
  expect(lines).toEqual([expect.stringMatching(/^note: could not remove .*\.guardrails\/ \(EBUSY\)/)]);
});

test('a process killed mid-transaction is repaired by the next synth (exit: lock released; SIGKILL: lock taken over once stale)', () => {
  write(OLD);
  const child = (step: string, death: string) => spawnSync(process.execPath,
    ['-r', 'tsx/cjs', path.join(__dirname, 'support', 'die-at-step.ts'), JSON.stringify({ contents: { [dist]: NEW.dist, [reports]: NEW.reports }, step, death })],
    { cwd: path.join(__dirname, '..'), encoding: 'utf8' });

  const exited = child('install reports', 'exit');
  expect([exited.status, exited.stderr]).toEqual([3, '']);
  expect(fs.existsSync(journal())).toBe(true);
  expect(pair()).toEqual({ dist: NEW.dist, reports: {} });
  repairFolders([dist, reports], { log });
  expect(pair()).toEqual(NEW);

  write(OLD);
  const killed = child('retire reports', 'SIGKILL');
  expect(killed.signal).toBe('SIGKILL');
  expect(pair()).toEqual({ dist: NEW.dist, reports: OLD.reports });
  const lock = path.join(work, '.guardrails.lock');
  expect(() => write(NEWER)).toThrow(/another synth holds the lock/);
  expect(pair()).toEqual({ dist: NEW.dist, reports: OLD.reports });
  const aMinuteAgo = new Date(Date.now() - 60_000);
  fs.utimesSync(lock, aMinuteAgo, aMinuteAgo);
  repairFolders([dist, reports], { log });
  expect(pair()).toEqual(NEW);
  expect(fs.readdirSync(work).sort()).toEqual(['dist', 'reports']);
});

describe('synth', () => {
  const quiet = () => ({ specs: apps, platform, outdir: dist, log });
  beforeEach(() => write(OLD));

  test('waits briefly for a lock held by another synth, then fails with one line naming the lock and the fix, touching nothing', () => {
    const lock = path.join(work, '.guardrails.lock');
    const release = lockfile.lockSync(work, { lockfilePath: lock });
    try {
      const start = Date.now();
      expect(synth(quiet())).toBe(1);
      expect(Date.now() - start).toBeLessThan(3000);
    } finally {
      release();
    }
    expect(lines).toEqual([`synth failed: another synth holds the lock at ${lock}. Fix: wait for it to finish and run synth again; `
      + 'a lock left by a crashed synth is taken over after 10 s']);
    expect(pair()).toEqual(OLD);
    expect(fs.readdirSync(work).sort()).toEqual(['dist', 'reports']);
  });

  test('refuses a file where dist/ or reports/ goes rather than replace it', () => {
    for (const target of [dist, reports]) {
      const other = target === dist ? reports : dist;
      fs.rmSync(target, { recursive: true });
      fs.writeFileSync(target, 'somebody\'s notes');
      const otherBefore = snapshotOf(other);
      lines = [];
      expect(synth(quiet())).toBe(1);
      expect(lines).toEqual([`synth failed: a file, not a folder, stands where the output goes at ${target}. `
        + 'Fix: move it away (synth replaces this path with a folder of generated files), or synth to another folder']);
      expect(fs.readFileSync(target, 'utf8')).toBe('somebody\'s notes');
      expect(snapshotOf(other)).toEqual(otherBefore);
      expect(fs.readdirSync(work).sort()).toEqual(['dist', 'reports']);
      fs.rmSync(target);
      fs.mkdirSync(target);
    }
  });

  test('a report that cannot be written fails the synth with dist/ untouched', () => {
    const at = path.join(work, '.guardrails', 'new-1', 'security-report.md');
    expect(synth({ ...quiet(), faults: failAt('stage reports/security-report.md', () => ioError('ENOSPC', at)) })).toBe(1);
    expect(lines).toEqual([`synth failed: no space left on the device (ENOSPC) at ${at}. Fix: free some space and run synth again`]);
    expect(pair()).toEqual(OLD);
    expect(fs.readdirSync(work).sort()).toEqual(['dist', 'reports']);
  });

  test('a read-only parent folder fails with one line, not a stack trace, leaving both folders as they were', () => {
    // root writes through 0555; there the refusal the kernel would give is injected instead.
    const asRoot = process.getuid?.() === 0;
    const faults = asRoot ? failAt('install dist', () => ioError('EACCES', dist)) : undefined;
    fs.chmodSync(work, 0o555);
    expect(synth({ ...quiet(), faults })).toBe(1);
    fs.chmodSync(work, 0o755);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^synth failed: permission denied \(EACCES\) at \/\S+\. Fix: make the folder writable by this user, or synth to another folder/);
    expect(pair()).toEqual(OLD);
    expect(fs.readdirSync(work).sort()).toEqual(['dist', 'reports']);
  });

  test('a failed compile still repairs an interrupted synth before reporting its problems', () => {
    expect(() => write(NEW, failAt('install dist', () => new Crash()))).toThrow(Crash);
    expect(fs.existsSync(dist)).toBe(false);
    const unpinned = { ...apps[0].services.api, image: 'ghcr.io/acme/shop-api:latest' };
    expect(synth({ ...quiet(), specs: [{ ...apps[0], services: { ...apps[0].services, api: unpinned } }] })).toBe(1);
    expect(pair()).toEqual(NEW);
    expect(lines.some(l => /^finished the interrupted synth/.test(l))).toBe(true);
    expect(fs.readdirSync(work).sort()).toEqual(['dist', 'reports']);
  });
});
