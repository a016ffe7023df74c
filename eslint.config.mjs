// ESLint for the whole tree (npm run lint). TypeScript is linted with type information, for the
// rules that need it: a promise nobody awaits is a rejection nobody handles.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const TESTS = ['**/*.test.ts', '**/test/**/*.ts', '**/__tests__/**/*.ts'];

export default tseslint.config(
  {
    ignores: ['**/node_modules/', '**/dist/', 'bench/results/', 'artifacts/', 'coverage/', '**/.turbo/', '**/.data/'],
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-explicit-any': 'error',
      // tsc's noUnusedLocals/noUnusedParameters already fail the build; `_name` marks one kept on purpose.
      '@typescript-eslint/no-unused-vars': 'off',
      // Short comma sequences (`row.push(cell), (cell = '')`) are this codebase's style in tight loops.
      '@typescript-eslint/no-unused-expressions': 'off',
      // `catch {}` says "ignored on purpose" where the next line handles the outcome (a retry loop).
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // The subscription engine and the screen client still use `any` as an existential type
    // (FieldBinding<any>, TopicFeed<any>, graphql-ws' Context<…, any>, hydrated payloads); issue 17
    // item 2 splits that engine into parts, which is where they get typed. Reported, not hidden.
    files: ['gateway/src/subscriptions/**/*.ts', 'gateway/src/screen/client/**/*.ts'],
    ignores: TESTS,
    rules: { '@typescript-eslint/no-explicit-any': 'warn' },
  },
  {
    // Tests (and @plaza/shared/testing, their helper library) read GraphQL answers whose shape the
    // query text decides: typing each one would restate the query. Runtime code gets no such pass.
    files: [...TESTS, 'shared/src/testing.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      // Tests load a package by name at run time (each service's env module, a lazily required client).
      '@typescript-eslint/no-require-imports': 'off',
      // Stand-ins that patch a prototype keep `self` for the original object inside the patched function.
      '@typescript-eslint/no-this-alias': 'off',
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    extends: [js.configs.recommended],
    rules: { 'no-empty': ['error', { allowEmptyCatch: true }] },
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        performance: 'readonly',
        setImmediate: 'readonly',
        structuredClone: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        queueMicrotask: 'readonly',
      },
    },
  },
  {
    files: ['**/*.{js,cjs}'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', exports: 'writable', __dirname: 'readonly', __filename: 'readonly' } },
  },
);
