/** Jest: TypeScript through ts-jest; one real redis-server for the whole run (tests/helpers/global-setup.ts). */
module.exports = {
  testEnvironment: 'node',
  // The server's tests, and those of the client package (npm workspace packages/client).
  roots: ['<rootDir>/tests', '<rootDir>/packages/client/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tests/tsconfig.json' }] },
  globalSetup: '<rootDir>/tests/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/tests/helpers/global-teardown.ts',
  // Every /api answer of a test gateway is checked against openapi.json (tests/helpers/openapi-check.ts).
  setupFilesAfterEnv: ['<rootDir>/tests/helpers/openapi-after-each.ts'],
  testTimeout: 30000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/tests/helpers/summary-reporter.js'],
};
