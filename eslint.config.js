import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.local/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-console': 'error',
    },
  },
  { files: ['infra/**', 'test/**', 'bench/**'], rules: { 'no-console': 'off' } },
  {
    // zod's named `z` export is its whole namespace object, which a bundler cannot tree-shake:
    // 444 KiB of zod in a function's bundle instead of ~90 (bench/README.md, cold start).
    files: ['functions/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='zod'][importKind!='type'] > ImportSpecifier[imported.name='z'][importKind!='type']",
          message: "Import zod as `import * as z from 'zod'`: the named z keeps all of zod in a bundle.",
        },
      ],
    },
  },
);
