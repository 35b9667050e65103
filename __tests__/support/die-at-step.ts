/**
 * A process that replaces folders and dies for real at one step of the transaction, to prove the
 * repair against a real process death rather than a thrown error. Run with `node -r tsx/cjs`;
 * argv[2] is JSON: `{ contents, step, death }` where death is 'exit' (exit handlers run, so the
 * lock is released) or 'SIGKILL' (nothing runs, so the lock is left behind).
 */
import { replaceFolders } from '../../compiler/transaction';

const { contents, step, death } = JSON.parse(process.argv[2]) as {
  contents: Record<string, Record<string, string>>; step: string; death: 'exit' | 'SIGKILL';
};
replaceFolders(contents, {
  log: () => undefined,
  faults: s => {
    if (s !== step) return;
    if (death === 'SIGKILL') process.kill(process.pid, 'SIGKILL');
    process.exit(3);
  },
});
