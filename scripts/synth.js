#!/usr/bin/env node
'use strict';
/**
 * npm run synth: compiles apps/ into dist/ and reports/ with the compiled library in lib/ (plain
 * Node: no TypeScript loader for the library, so a cold start loads JavaScript only). The apps
 * module is this repo's TypeScript, loaded with tsx's CommonJS API as the CLI loads a user's.
 * lib/ is rebuilt first when a source of it is newer than the last build (lib/.built), so that
 * dist/ is never written by a stale library. Same output as `tsx main.ts`.
 */
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const lib = path.join(root, 'lib');
const stamp = path.join(lib, '.built');
/** What lib/ is built from (scripts/build.js, tsconfig.build.json). */
const SOURCES = ['index.ts', 'policy', 'constructs', 'compiler', 'imports', 'plugin', 'testing', 'cli', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.js'];

function newest(file) {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  // A folder's own time changes when an entry is added, removed or renamed.
  return fs.readdirSync(file).reduce((m, entry) => Math.max(m, newest(path.join(file, entry))), stat.mtimeMs);
}

const built = fs.statSync(stamp, { throwIfNoEntry: false })?.mtimeMs ?? 0;
if (newest(path.join(lib, 'compiler', 'synth.js')) === 0 || SOURCES.some(s => newest(path.join(root, s)) > built)) {
  console.error('lib/ is older than its sources: npm run build first...');
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build.js')], { cwd: root, stdio: 'inherit' });
}

const { loadApps } = require('../lib/cli/synth');
const { synth } = require('../lib/compiler/synth');

const { apps, platform } = loadApps(path.join(root, 'apps', 'index.ts'), root);
// The repo's root: where the charts' values files are looked for (CompileOptions.repoRoot).
process.exitCode = synth({ specs: apps, platform, outdir: process.env.CDK8S_OUTDIR ?? 'dist', compile: { repoRoot: root } });
