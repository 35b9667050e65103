/**
 * esbuild (jest.transform.js) transpiles file by file (isolatedModules in tsconfig.json): `npm test` type-checks the whole project with
 * `tsc --noEmit` first, so jest need not do it again per file.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': '<rootDir>/jest.transform.js',
  },
};
