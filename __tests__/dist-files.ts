import * as fs from 'fs';
import * as path from 'path';
import { readManifests } from '../policy';

export const DIST = path.join(__dirname, '..', 'dist');

/** Every file below `dir`, as paths relative to it, sorted. */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(e => e.isFile())
    .map(e => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** The committed `dist/`: each file with the objects it holds. */
export function loadDist(): { file: string; objects: Record<string, any>[] }[] {
  return listFiles(DIST).map(file => ({
    file,
    objects: readManifests(fs.readFileSync(path.join(DIST, file), 'utf8'), file),
  }));
}
