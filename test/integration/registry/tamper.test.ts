import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { FolderStore } from '../../../src/main/core/registry/folder-store.js';
import { formatSums, parseSums, sha256 } from '../../../src/main/core/registry/hash.js';
import { openRegistry } from '../../../src/main/core/registry/open-registry.js';
import type { VerifyReport } from '../../../src/main/core/registry/registry-types.js';
import { cli, expectFetchRefused, tempDir, writeRun } from './helpers.js';

/** A registry with two versions and four audit entries: publish 1, approve 1, publish 2, promote 1. */
const setUp = async () => {
  const root = await tempDir();
  const reg = join(root, 'registry');
  await FolderStore.open(reg, { create: true, config: { allowAs: true, fsync: false } });
  const run = await writeRun(join(root, 'ws'), 'run-1');
  const alice = await openRegistry(reg, { as: 'alice' });
  const bob = await openRegistry(reg, { as: 'bob' });
  await alice.publish({ runDir: run, name: 'fan' });
  await bob.govern('approve', { name: 'fan', version: 1, reason: 'fine' });
  await alice.publish({ runDir: run, name: 'fan' });
  await bob.govern('promote', { name: 'fan', version: 1 });
  return { root, reg, alice };
};

const verify = async (reg: string): Promise<VerifyReport> => {
  const result = await cli(['registry', 'verify', '--registry', reg, '--json']);
  expect(result.code).toBe(1);
  return result.json as unknown as VerifyReport;
};

describe('tampering is detected and named exactly', () => {
  let reg: string;
  let root: string;
  beforeEach(async () => {
    ({ reg, root } = await setUp());
  });

  it('one flipped byte in weights.bin: verify names that file, loading refuses it', async () => {
    const weights = join(reg, 'models', 'fan', '2', 'weights.bin');
    const bytes = await readFile(weights);
    bytes[7] = (bytes[7] ?? 0) ^ 0x01;
    await writeFile(weights, bytes);
    const report = await verify(reg);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ kind: 'package', model: 'fan', version: 2, file: 'weights.bin' });
    expect(report.problems[0]?.message).toMatch(/fan version 2: weights.bin does not match SHA256SUMS/);
    await expectFetchRefused({ registry: reg, name: 'fan', version: 2, out: join(root, 'out') }, 'weights.bin');
  });

  it('weights.bin edited and SHA256SUMS regenerated to match: the publish record still catches it', async () => {
    const dir = join(reg, 'models', 'fan', '1');
    await writeFile(join(dir, 'weights.bin'), Buffer.alloc(20, 1));
    const sums = parseSums(await readFile(join(dir, 'SHA256SUMS'), 'utf8'));
    sums.set('weights.bin', sha256(Buffer.alloc(20, 1)));
    await writeFile(join(dir, 'SHA256SUMS'), formatSums(sums));
    const report = await verify(reg);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ model: 'fan', version: 1, file: 'weights.bin' });
    expect(report.problems[0]?.message).toMatch(/differs from the hash recorded when it was published \(audit seq 1\)/);
    // Loading refuses it too, before a byte is copied: the rewritten SHA256SUMS is checked against the publish record.
    await expectFetchRefused(
      { registry: reg, name: 'fan', version: 1, out: join(root, 'out') },
      /fan version 1: weights.bin in SHA256SUMS differs from the hash recorded when it was published/,
    );
  });

  it('one edited audit entry: verify names its sequence number, the registry refuses to work on it', async () => {
    const path = join(reg, 'audit.jsonl');
    const lines = (await readFile(path, 'utf8')).split('\n');
    lines[1] = (lines[1] as string).replace('"reason":"fine"', '"reason":"fine, says the CEO"');
    await writeFile(path, lines.join('\n'));
    const report = await verify(reg);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ kind: 'audit', seq: 2 });
    expect(report.problems[0]?.message).toMatch(/seq 2 \(line 2, approve fan v1\) was edited/);
    const list = await cli(['registry', 'list', '--registry', reg, '--json']);
    expect(list.json).toMatchObject({ error: { code: 'integrity' } });
  });

  it('an audit entry edited and re-hashed: the next entry no longer chains to it', async () => {
    const path = join(reg, 'audit.jsonl');
    const lines = (await readFile(path, 'utf8')).split('\n');
    const entry = JSON.parse(lines[1] as string) as Record<string, unknown>;
    entry.actor = 'alice';
    const { canonicalJson } = await import('../../../src/main/core/registry/canonical-json.js');
    // The hash covers everything but itself and the signature (docs/registry-format.md).
    const { hash: _old, sig: _sig, ...rest } = entry;
    entry.hash = sha256(canonicalJson(rest));
    lines[1] = JSON.stringify(entry);
    await writeFile(path, lines.join('\n'));
    const report = await verify(reg);
    expect(report.problems).toHaveLength(2);
    expect(report.problems[0]).toMatchObject({ kind: 'audit', seq: 2 });
    expect(report.problems[0]?.message).toMatch(/seq 2 \(line 2\) was edited and re-hashed/);
    // Independently of the chain, its signature gives it away: bob signed it, it now names alice.
    expect(report.problems[1]).toMatchObject({ kind: 'audit', seq: 2 });
    expect(report.problems[1]?.message).toMatch(/seq 2 \(approve fan v1 by alice\) is signed by bob, not by alice/);
  });

  it('a deleted entry in the middle, or at the end, is reported by sequence number', async () => {
    const path = join(reg, 'audit.jsonl');
    const original = await readFile(path, 'utf8');
    const lines = original.split('\n');
    await writeFile(path, [...lines.slice(0, 2), ...lines.slice(3)].join('\n'));
    let report = await verify(reg);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ kind: 'audit', seq: 3 });
    expect(report.problems[0]?.message).toMatch(/seq 3 is missing before line 3: deleted/);
    await writeFile(path, `${lines.slice(0, 3).join('\n')}\n`);
    report = await verify(reg);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]?.message).toMatch(/seq 4 is missing at the end of the log/);
  });

  it('a deleted package folder is reported', async () => {
    const { rm } = await import('node:fs/promises');
    await rm(join(reg, 'models', 'fan', '2'), { recursive: true });
    const report = await verify(reg);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]?.message).toMatch(
      /fan version 2 was published \(audit seq 3\) but its folder is missing/,
    );
  });
});
