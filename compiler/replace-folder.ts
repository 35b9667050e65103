import * as fs from 'fs';
import * as path from 'path';

/**
 * Replaces `folder` with exactly `files`, or leaves it as it was. Everything is written to a
 * staging folder beside it first; only when that is complete are the folders swapped by rename,
 * so a crash or a full disk mid-write cannot leave a half-written `dist/` for ArgoCD to sync.
 */
export function replaceFolder(folder: string, files: Record<string, string>): void {
  const parent = path.dirname(path.resolve(folder));
  const staging = path.join(parent, `.${path.basename(folder)}-new-${process.pid}`);
  const retired = path.join(parent, `.${path.basename(folder)}-old-${process.pid}`);
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    for (const file of Object.keys(files).sort()) {
      const target = path.join(staging, file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, files[file]);
    }
    fs.mkdirSync(staging, { recursive: true });
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  const hadOld = fs.existsSync(folder);
  if (hadOld) fs.renameSync(folder, retired);
  fs.renameSync(staging, folder);
  if (hadOld) fs.rmSync(retired, { recursive: true, force: true });
}
