import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'eslint.config.js',
      'node_modules/',
      'src/store/generated/',
      'data/',
      'coverage/',
      'clients/**/dist/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // The command's bin is JavaScript that node starts before tsx is loaded.
        projectService: { allowDefaultProject: ['src/cli/argmax.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      'no-console': 'error',
      // Fastify plugins, hooks and handlers are async by contract, awaiting or not.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The optimizer is pure computation: no I/O, no framework, no clock, no global randomness.
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'os', 'crypto', 'worker_threads'],
              message: 'src/engine is pure: no Node.js modules.',
            },
            {
              group: [
                'fastify*',
                '@fastify/*',
                'zod',
                '@prisma/*',
                'pg',
                '@electric-sql/*',
                'pino',
              ],
              message: 'src/engine is pure: no frameworks or storage.',
            },
            {
              group: ['**/store/**', '**/http/**'],
              message: 'src/engine does not depend on other layers.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'Date', message: 'src/engine takes its clock from the caller.' },
        { name: 'performance', message: 'src/engine takes its clock from the caller.' },
        { name: 'process', message: 'src/engine does no I/O.' },
        { name: 'setTimeout', message: 'src/engine does no I/O.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'src/engine takes a seeded random source.' },
        { object: 'Date', property: 'now', message: 'src/engine takes its clock from the caller.' },
      ],
    },
  },
  {
    // Tests read JSON answers whose shapes their assertions check.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Command-line entry points, benchmarks and examples print to the terminal by design.
    files: ['src/cli/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'examples/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
