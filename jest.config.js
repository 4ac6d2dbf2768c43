// Three suites, as ARCHITECTURE.md lays them out. ESM TypeScript through @swc/jest; run with
// NODE_OPTIONS=--experimental-vm-modules (the npm scripts set it).
const swc = [
  '@swc/jest',
  {
    jsc: { target: 'es2024', parser: { syntax: 'typescript' }, experimental: { keepImportAttributes: true } },
    module: { type: 'es6' },
  },
];
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  testEnvironment: 'node',
  setupFilesAfterEnv: ['<rootDir>/test/support/quietOutput.ts'],
};

export default {
  // Integration tests drive a real local stack and infra tests synthesize with bundling: both take
  // longer than jest's 5 s default on a 2-core machine. (A global option: projects cannot set it.)
  testTimeout: 120_000,
  // Log lines only where a test failed (test/support/quietReporter.ts); buffered even for one file.
  reporters: ['<rootDir>/test/support/quietReporter.ts', 'summary'],
  verbose: false,
  // The longest files first, also on a clean clone without jest's timing cache.
  testSequencer: '<rootDir>/test/support/sequencer.ts',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      // The shared stack and browser start in the background; each file waits for them (harness.ts).
      setupFilesAfterEnv: [...common.setupFilesAfterEnv, '<rootDir>/test/integration/awaitHarness.ts'],
      globalSetup: '<rootDir>/test/integration/globalSetup.ts',
      globalTeardown: '<rootDir>/test/integration/globalTeardown.ts',
    },
    {
      ...common,
      displayName: 'infra',
      testMatch: ['<rootDir>/test/infra/**/*.test.ts'],
      // A synthesized template shared by the files of one run (test/infra/templateCache.ts).
      globalSetup: '<rootDir>/test/infra/globalSetup.ts',
      globalTeardown: '<rootDir>/test/infra/globalTeardown.ts',
    },
  ],
};
