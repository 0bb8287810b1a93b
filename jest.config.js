// Three projects so each layer can run alone: `npm run test:unit` needs nothing
// but Node; `infra` synthesizes the CDK app; `integration` starts DynamoDB Local.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];

/** @type {import('jest').Config} */
const base = {
  testEnvironment: 'node',
  transform: { '^.+\\.tsx?$': tsJest },
  moduleFileExtensions: ['ts', 'js', 'json'],
};

/** @type {import('jest').Config} */
module.exports = {
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  // The infra project's global setup runs before the integration one, which then uses its synthesis.
  testSequencer: '<rootDir>/test/support/infra-setup-first-sequencer.js',
  // Integration suites seed 19,000 items into DynamoDB Local before their first test;
  // testTimeout is a global option in jest, not a per-project one.
  testTimeout: 120_000,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...base,
      displayName: 'infra',
      testMatch: ['<rootDir>/test/infra/**/*.test.ts'],
      // Synthesizes the product app once (bundling, cdk-nag); the test files read its template.
      globalSetup: '<rootDir>/test/infra/global-setup.ts',
      globalTeardown: '<rootDir>/test/infra/global-teardown.ts',
    },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      setupFiles: ['<rootDir>/test/integration/worker-dynamodb.ts'],
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
    },
  ],
};
