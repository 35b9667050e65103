/**
 * npm run test:scale: 10,000 services compiled twice (about a minute; not timed, see npm run bench).
 * Kept out of `npm test`; .ci/run runs it.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/scale'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': '<rootDir>/jest.transform.js',
  },
  testTimeout: 900_000,
};
