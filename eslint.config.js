// ESLint with typescript-eslint's type-checked rules and import sorting (issue 16 item 8).
// Formatting is Prettier's (.prettierrc.json, `npm run format`); this file checks correctness and import order only.
import js from '@eslint/js';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.stryker-tmp/**', 'reports/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['vitest.mutation.config.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      // Handlers and stand-ins implement async interfaces (defineHttp, queue and timer handlers); an async function
      // without await is the interface's contract here, not a forgotten await (no-floating-promises catches those).
      '@typescript-eslint/require-await': 'off',
      // URLSearchParams stringifies to its query string, which is what every such template means.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        {
          allow: [
            { name: ['URLSearchParams'], from: 'lib' },
            { name: ['URLSearchParams'], from: 'package', package: 'url' },
          ],
        },
      ],
      // Destructuring away the fields we do not write (`const { _etag, ...body } = doc`) is the idiom for omitting them.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_' }],
      // Areas add their error codes to platform's ErrorCodes by declaration merging: `interface ErrorCodes extends X {}`.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
    },
  },
  {
    files: ['shared/local/**', 'bench/**'],
    rules: {
      // The stand-ins' and benches' handles are closures declared with method syntax; none of them uses `this`.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['**/*.test.ts', 'test/**'],
    rules: {
      // Tests read JSON bodies without a type and assert on their shape; typing every body would add nothing.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Tests stringify odd values on purpose, to name the failing input.
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    // The few JavaScript files are tool configs and scripts (Stryker) that Node runs as they are: no types to check.
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
    },
  },
  {
    // The ARM template and snapshot that the Bicep compiler writes are walked as untyped JSON (any), as in tests.
    files: ['infra/arm-checks.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
