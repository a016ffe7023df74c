// One jest configuration for every package: swc transpiles (tsc type-checks separately), with
// the legacy decorators and metadata that type-graphql and typeorm read at run time.
/** @param {string} dir the package directory */
module.exports = (dir) => ({
  rootDir: dir,
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'].filter((r) => require('node:fs').existsSync(r.replace('<rootDir>', dir))),
  testMatch: ['**/*.test.ts'],
  setupFiles: ['reflect-metadata'],
  testTimeout: 30000,
  // A failed test can leave a socket or timer behind (its clean-up never ran): jest then waited
  // for ever after printing its summary and CI ran out of time instead of reporting the failure.
  // Jest still prints the warning, so leaks stay visible.
  forceExit: true,
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
});
