// Tests run against TypeScript sources (transformed by swc); `@vigil/*` imports resolve to the
// packages' src so a test never runs stale dist. Tests that spawn the CLI use the built dist,
// which `npm test` builds first.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'es6' } }],
  },
  moduleNameMapper: {
    '^@vigil/core$': '<rootDir>/packages/core/src/index.ts',
    '^@vigil/core/testing$': '<rootDir>/packages/core/src/testing/index.ts',
    '^@vigil/core/runtime$': '<rootDir>/packages/core/src/runtime.ts',
    '^@vigil/core/http$': '<rootDir>/packages/core/src/http.ts',
    '^@vigil/core/status-api$': '<rootDir>/packages/core/src/status-api.ts',
    '^@vigil/core/disk-buffer$': '<rootDir>/packages/core/src/disk-buffer.ts',
    '^@vigil/host$': '<rootDir>/packages/host/src/index.ts',
    '^@vigil/((?:inputs|processors|outputs)-[a-z-]+)$': '<rootDir>/plugins/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/{packages,plugins,examples}/*/{src,test}/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 30000,
};
