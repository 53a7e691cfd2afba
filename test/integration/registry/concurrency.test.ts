import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FolderStore } from '../../../src/main/core/registry/folder-store.js';
import { cli, tempDir, writeRun } from './helpers.js';

describe('folder registry under concurrent publishers', () => {
  it('8 publishes from 8 separate processes get 8 distinct versions, and all verify', async () => {
    const root = await tempDir();
    const ws = join(root, 'ws');
    const reg = join(root, 'registry');
    await FolderStore.open(reg, { create: true });
    await writeRun(ws, 'run-1', { weightBytes: 256 * 1024 });
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        cli(['publish', '--workspace', ws, '--run', 'run-1', '--registry', reg, '--name', 'pump', '--json']),
      ),
    );
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const versions = results.map((r) => r.json?.version as number).sort((a, b) => a - b);
    expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const verify = await cli(['registry', 'verify', '--registry', reg, '--json']);
    expect(verify.json).toMatchObject({ ok: true, checked: { entries: 8, packages: 8 } });
  });
});
