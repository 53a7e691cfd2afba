import { ESLint, type Linter } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/*
 * The layering rules of ARCHITECTURE.md, checked by linting small snippets at virtual paths with the
 * project's real eslint.config.js.
 */

const LAYERING_RULES = new Set([
  'no-restricted-imports',
  'no-restricted-syntax',
  '@typescript-eslint/no-restricted-imports',
]);

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: process.cwd(), overrideConfigFile: 'eslint.config.js' });
});

const lint = async (code: string, filePath: string): Promise<Linter.LintMessage[]> => {
  const [result] = await eslint.lintText(code, { filePath });
  return result?.messages ?? [];
};

const layeringErrors = async (code: string, filePath: string) =>
  (await lint(code, filePath)).filter((m) => m.severity === 2 && m.ruleId !== null && LAYERING_RULES.has(m.ruleId));

type Case = readonly [code: string, path: string];

const expectBlocked = async ([code, path]: Case, message?: RegExp) => {
  const errors = await layeringErrors(code, path);
  expect(errors, `${path}: ${code}`).not.toHaveLength(0);
  if (message !== undefined) expect(errors.map((e) => e.message).join('\n')).toMatch(message);
};

const expectAllowed = async ([code, path]: Case) => {
  expect(await layeringErrors(code, path), `${path}: ${code}`).toEqual([]);
};

const use = (importLine: string) => `${importLine}\nexport const used = [x];\n`;

describe('layering: electron only in src/main/electron', () => {
  it("blocks 'electron' elsewhere in src", async () => {
    await expectBlocked([use("import { app as x } from 'electron';"), 'src/main/core/x.ts'], /src\/main\/electron/);
    await expectBlocked([use("import { app as x } from 'electron';"), 'src/main/web/x.ts']);
    await expectBlocked([use("import { app as x } from 'electron';"), 'src/renderer/x.tsx']);
    await expectBlocked([use("import type { App as x } from 'electron';"), 'src/shared/x.ts']);
    await expectBlocked(["export const x = await import('electron');\n", 'src/main/cli/x.ts']);
  });

  it('allows it in src/main/electron', async () => {
    await expectAllowed([use("import { app as x } from 'electron';"), 'src/main/electron/x.ts']);
  });

  it('blocks a runtime electron import in tests but allows its types', async () => {
    await expectBlocked([use("import { app as x } from 'electron';"), 'test/unit/electron/x.test.ts']);
    await expectAllowed([use("import type { App as x } from 'electron';"), 'test/unit/electron/x.test.ts']);
  });
});

describe('layering: no Node built-ins in src/shared and src/renderer', () => {
  it('blocks node:* and bare built-in names', async () => {
    await expectBlocked([use("import x from 'node:fs';"), 'src/renderer/x.ts'], /browser/);
    await expectBlocked([use("import x from 'fs';"), 'src/renderer/x.tsx']);
    await expectBlocked([use("import { readFile as x } from 'fs/promises';"), 'src/shared/x.ts']);
    await expectBlocked([use("import { join as x } from 'path';"), 'src/shared/x.ts']);
    await expectBlocked([use("import { spawn as x } from 'child_process';"), 'src/renderer/views/x.tsx']);
    await expectBlocked([use("import { EventEmitter as x } from 'events';"), 'src/shared/x.ts']);
    await expectBlocked(["export const x = await import('node:crypto');\n", 'src/renderer/x.ts']);
  });

  it('allows them in the main process', async () => {
    await expectAllowed([use("import x from 'node:fs';"), 'src/main/core/x.ts']);
    await expectAllowed([use("import { join as x } from 'node:path';"), 'src/main/electron/x.ts']);
    await expectAllowed([use("import { Worker as x } from 'node:worker_threads';"), 'src/main/core/ml/x.ts']);
  });

  it('does not confuse packages whose names merely start like a built-in', async () => {
    await expectAllowed([use("import { z as x } from 'zod';"), 'src/shared/x.ts']);
    await expectAllowed([use("import x from 'pathe';"), 'src/renderer/x.ts']);
  });
});

describe('layering: DuckDB only in src/main/core/workspace', () => {
  it('blocks @duckdb/* elsewhere', async () => {
    await expectBlocked(
      [use("import { DuckDBInstance as x } from '@duckdb/node-api';"), 'src/main/core/ml/x.ts'],
      /workspace/,
    );
    await expectBlocked([use("import { DuckDBInstance as x } from '@duckdb/node-api';"), 'src/main/electron/x.ts']);
    await expectBlocked([use("import { DuckDBInstance as x } from '@duckdb/node-api';"), 'src/renderer/x.ts']);
    await expectBlocked(["export const x = await import('@duckdb/node-api');\n", 'src/main/core/import/x.ts']);
  });

  it('allows it in src/main/core/workspace', async () => {
    await expectAllowed([
      use("import { DuckDBInstance as x } from '@duckdb/node-api';"),
      'src/main/core/workspace/x.ts',
    ]);
    await expectAllowed([
      use("import { DuckDBInstance as x } from '@duckdb/node-api';"),
      'src/main/core/workspace/sub/x.ts',
    ]);
  });
});

describe('layering: TensorFlow.js only in src/main/core/ml', () => {
  it('blocks @tensorflow/* elsewhere', async () => {
    await expectBlocked([use("import * as x from '@tensorflow/tfjs';"), 'src/main/core/workspace/x.ts'], /ml/);
    await expectBlocked([use("import * as x from '@tensorflow/tfjs';"), 'src/renderer/x.ts']);
    await expectBlocked(["export const x = await import('@tensorflow/tfjs-node');\n", 'src/main/core/x.ts']);
  });

  it('allows it (including the lazy native load) in src/main/core/ml', async () => {
    await expectAllowed([use("import * as x from '@tensorflow/tfjs';"), 'src/main/core/ml/x.ts']);
    await expectAllowed(["export const x = await import('@tensorflow/tfjs-node');\n", 'src/main/core/ml/backend.ts']);
  });

  it('allows it in the renderer training worker (src/ml-web), which may reuse src/main/core/ml but no Node', async () => {
    await expectAllowed([use("import * as x from '@tensorflow/tfjs-backend-wasm';"), 'src/ml-web/x.ts']);
    await expectAllowed([use("import { runTrainJob as x } from '../main/core/ml/train-job.js';"), 'src/ml-web/x.ts']);
    await expectBlocked([use("import * as x from 'node:fs';"), 'src/ml-web/x.ts'], /Node built-ins/);
    await expectBlocked([use("import * as x from '@duckdb/node-api';"), 'src/ml-web/x.ts']);
  });
});

describe('layering: renderer and shared stay out of main', () => {
  it('blocks src/renderer → src/main', async () => {
    await expectBlocked([use("import { dispatch as x } from '../main/core/app/dispatch.js';"), 'src/renderer/x.ts']);
    await expectBlocked([
      use("import { dispatch as x } from '../../main/core/app/dispatch.js';"),
      'src/renderer/views/x.tsx',
    ]);
  });

  it('allows src/renderer → src/shared', async () => {
    await expectAllowed([use("import { apiMethodNames as x } from '../shared/api.js';"), 'src/renderer/x.ts']);
  });

  it('blocks src/shared → src/main and src/renderer', async () => {
    await expectBlocked([use("import { dispatch as x } from '../main/core/app/dispatch.js';"), 'src/shared/x.ts']);
    await expectBlocked([use("import { App as x } from '../renderer/App.js';"), 'src/shared/x.ts']);
  });
});

describe('other project rules', () => {
  it('forbids default exports in src/', async () => {
    await expectBlocked(['const x = 1;\nexport default x;\n', 'src/main/core/x.ts'], /named exports/);
    await expectBlocked(['export default function View() { return null; }\n', 'src/renderer/View.tsx']);
    await expectBlocked(['const x = 1;\nexport { x as default };\n', 'src/shared/x.ts']);
    await expectAllowed(['export const x = 1;\n', 'src/shared/x.ts']);
  });

  it('allows default exports in root config files', async () => {
    await expectAllowed(["import { defineConfig } from 'vite';\nexport default defineConfig({});\n", 'vite.config.ts']);
  });

  it('forbids explicit any', async () => {
    const messages = await lint('export const x: any = 1;\n', 'src/main/core/x.ts');
    expect(messages.map((m) => m.ruleId)).toContain('@typescript-eslint/no-explicit-any');
  });

  it('ignores build output', async () => {
    expect(await eslint.isPathIgnored('dist/main/electron/main.js')).toBe(true);
    expect(await eslint.isPathIgnored('release/linux-unpacked/x.js')).toBe(true);
    expect(await eslint.isPathIgnored('bench/out/x.js')).toBe(true);
    expect(await eslint.isPathIgnored('src/main/electron/main.ts')).toBe(false);
  });
});
