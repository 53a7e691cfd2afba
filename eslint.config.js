// ESLint flat config: typescript-eslint's recommended rules (syntax only, no type information, to stay fast)
// plus the layering rules of ARCHITECTURE.md, enforced with no-restricted-imports (static imports and
// re-exports) and no-restricted-syntax (dynamic import() and require() with a literal name).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Import restrictions, each with the message shown when broken. */
const NODE_BUILTINS = [...new Set(builtinModules.filter((name) => !name.startsWith('_')))];

const rules = {
  electron: {
    message: "Only src/main/electron may import 'electron' (the rest of the app runs without it).",
    paths: ['electron'],
    patterns: ['electron/*'],
    dynamic: '^electron($|\\x2F)',
  },
  node: {
    message: 'No Node built-ins here: src/shared and src/renderer run in the browser (ask the API instead).',
    paths: NODE_BUILTINS,
    patterns: ['node:*'],
    dynamic: `^(node:|(${NODE_BUILTINS.filter((name) => !name.includes('/')).join('|')})($|\\x2F))`,
  },
  duckdb: {
    message: 'Only src/main/core/workspace may import DuckDB (@duckdb/*).',
    patterns: ['@duckdb/*'],
    dynamic: '^@duckdb\\x2F',
  },
  tensorflow: {
    message: 'Only src/main/core/ml may import TensorFlow.js (@tensorflow/*).',
    patterns: ['@tensorflow/*'],
    dynamic: '^@tensorflow\\x2F',
  },
  main: {
    message: 'src/renderer and src/shared must not import from src/main (use the API contract in src/shared).',
    patterns: ['**/main/**'],
  },
  renderer: {
    message: 'src/shared must not import from src/renderer.',
    patterns: ['**/renderer/**'],
  },
};

const NO_DEFAULT_EXPORT = [
  {
    selector: 'ExportDefaultDeclaration',
    message: 'Use named exports in src/ (default exports rename silently on import).',
  },
  {
    selector: 'ExportSpecifier[exported.name="default"]',
    message: 'Use named exports in src/ (default exports rename silently on import).',
  },
];

/** The rule settings for a folder that must not use the given restrictions. */
const restrict = (...names) => {
  const chosen = names.map((name) => rules[name]);
  const paths = chosen.flatMap((rule) => (rule.paths ?? []).map((name) => ({ name, message: rule.message })));
  const patterns = chosen
    .filter((rule) => rule.patterns !== undefined)
    .map((rule) => ({ group: rule.patterns, message: rule.message }));
  const dynamic = chosen
    .filter((rule) => rule.dynamic !== undefined)
    .flatMap((rule) => [
      { selector: `ImportExpression[source.value=/${rule.dynamic}/]`, message: rule.message },
      {
        selector: `CallExpression[callee.name="require"][arguments.0.value=/${rule.dynamic}/]`,
        message: rule.message,
      },
    ]);
  return {
    'no-restricted-imports': ['error', { paths, patterns }],
    'no-restricted-syntax': ['error', ...NO_DEFAULT_EXPORT, ...dynamic],
  };
};

/** Globals of plain Node scripts (bin/, scripts/, root config files written in JavaScript). */
const nodeGlobals = Object.fromEntries(
  [
    'process',
    'console',
    'Buffer',
    'URL',
    'URLSearchParams',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'clearImmediate',
    'queueMicrotask',
    'structuredClone',
    'AbortController',
    'AbortSignal',
    'TextEncoder',
    'TextDecoder',
    'fetch',
    'performance',
  ].map((name) => [name, 'readonly']),
);

export default defineConfig(
  { ignores: ['dist/', 'release/', 'node_modules/', 'test-results/', 'bench/out/', 'coverage/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module', globals: nodeGlobals },
  },
  {
    files: ['**/*.{ts,tsx,mts,cts}'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  // Layering. Later blocks override earlier ones for the same file, so each block lists its folder's
  // complete set of restrictions.
  { files: ['src/**'], rules: restrict('electron', 'duckdb', 'tensorflow') },
  { files: ['src/main/electron/**'], rules: restrict('duckdb', 'tensorflow') },
  { files: ['src/main/core/workspace/**'], rules: restrict('electron', 'tensorflow') },
  { files: ['src/main/core/ml/**'], rules: restrict('electron', 'duckdb') },
  { files: ['src/renderer/**'], rules: restrict('electron', 'node', 'duckdb', 'tensorflow', 'main') },
  { files: ['src/shared/**'], rules: restrict('electron', 'node', 'duckdb', 'tensorflow', 'main', 'renderer') },
  // The renderer training engine's Web Worker entry: TensorFlow.js in the browser (WebGPU/WebGL/wasm), reusing the
  // training code of src/main/core/ml, so it may import tfjs and src/main, but nothing of Node.
  { files: ['src/ml-web/**'], rules: restrict('electron', 'node', 'duckdb') },
  // Loading the real 'electron' package from plain Node starts a binary download: tests use fakes.
  {
    files: ['test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              allowTypeImports: true,
              message: "Tests run in plain Node: pass fakes at the seam instead of loading 'electron'.",
            },
          ],
        },
      ],
    },
  },
);
