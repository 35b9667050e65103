/**
 * npm run test:e2e: the packed package installed into throwaway apps (minutes, needs the npm
 * registry or a warm cache). Kept out of `npm test`; .ci/run runs it.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/e2e'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': '<rootDir>/jest.transform.js',
  },
  testTimeout: 300_000,
};
