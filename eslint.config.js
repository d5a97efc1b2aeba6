import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

/** Layers by where code may run (DESIGN.md): these imports would break a layer's promise. */
const nodeModules = ['node:*', 'fs', 'path', 'child_process', 'os', 'electron', 'sharp', 'ws', 'undici'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'output/**', 'test-output/**', 'bench/results/**', 'release/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...nodeModules, '**/src-main/**', '**/src-renderer/**'] }],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { patterns: [...nodeModules, '**/src-main/**'] }],
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}', 'bin/crowdheat'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' },
    },
  },
);
