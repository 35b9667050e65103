'use strict';
/**
 * Jest's TypeScript transform: esbuild, file by file. `npm test` type-checks the whole project
 * with `tsc --noEmit` first (and tsconfig.json sets isolatedModules, so every file compiles on its
 * own), so the tests only need the types stripped; ts-jest took most of a cold run doing more.
 */
const { transformSync } = require('esbuild');

module.exports = {
  process(source, file) {
    const { code, map } = transformSync(source, {
      loader: 'ts', format: 'cjs', target: 'es2022', sourcemap: 'external', sourcefile: file, keepNames: true,
    });
    return { code, map };
  },
};
