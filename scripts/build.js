#!/usr/bin/env node
'use strict';
/**
 * npm run build (and prepare, for git installs): lib/ from scratch, the library compiled by
 * tsconfig.build.json, then the generated validators that are JavaScript with a hand-checked
 * .d.ts beside them (tsc compiles neither: imports resolve to the .d.ts) copied to the same
 * relative paths. Plain Node, so that it needs no tsx.
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const lib = path.join(root, 'lib');
const ASSETS = [
  'policy/schema/validators.js',
  'policy/schema/validators.d.ts',
  'compiler/spec-validators.js',
  'compiler/spec-validators.d.ts',
];

fs.rmSync(lib, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
for (const asset of ASSETS) {
  fs.mkdirSync(path.dirname(path.join(lib, asset)), { recursive: true });
  fs.copyFileSync(path.join(root, asset), path.join(lib, asset));
}
// The CLI's entry point is run as a program (package.json bin): keep it executable.
const bin = path.join(lib, 'cli', 'main.js');
if (fs.existsSync(bin)) fs.chmodSync(bin, 0o755);
// When lib/ was last built whole (scripts/synth.js rebuilds it when a source is newer).
fs.writeFileSync(path.join(lib, '.built'), `${new Date().toISOString()}\n`);
