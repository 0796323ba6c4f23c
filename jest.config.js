/**
 * Two projects: unit (no rig: workflows with stubbed activities on a Temporal of each file's own, in parallel workers)
 * and integration (the rig, which its files share: run it with --runInBand).
 */
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };
module.exports = {
  transform,
  testTimeout: 120000,
  maxWorkers: 2, // the unit project in parallel (jest's default on 2 cores is 1 worker)
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/resetRig.ts'],
    },
  ],
};
