import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkpointOf, type AuditEntry } from '../../../../src/main/core/registry/audit-entry.js';
import { checkCheckpoints, checkSignatures, sealEntry } from '../../../../src/main/core/registry/audit-log.js';
import type { RegisteredKey } from '../../../../src/main/core/registry/key-registry.js';
import { loadOrCreateKey, type SigningKey } from '../../../../src/main/core/registry/keys.js';
import { StaleWatch } from '../../../../src/main/core/registry/lock.js';

const registered = (key: SigningKey): RegisteredKey => ({
  principal: key.principal,
  publicKey: key.publicKey,
  keyId: key.keyId,
  registeredAt: '2025-01-01T00:00:00.000Z',
});

describe('signed audit entries', () => {
  it('verify when signed by their actor with the registered key; name every other case in words', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pdm-keys-'));
    const alice = await loadOrCreateKey(dir, 'alice');
    const bob = await loadOrCreateKey(dir, 'bob');
    expect((await loadOrCreateKey(dir, 'alice')).keyId).toBe(alice.keyId);
    const keys = new Map([
      ['alice', registered(alice)],
      ['bob', registered(bob)],
    ]);
    const e1 = sealEntry(
      { actor: 'alice', action: 'publish', model: 'fan', version: 1, reason: null },
      undefined,
      '2025-01-01T00:00:00.000Z',
      alice,
    );
    const e2 = sealEntry(
      { actor: 'bob', action: 'approve', model: 'fan', version: 1, reason: 'ok' },
      e1,
      '2025-01-01T00:00:01.000Z',
      bob,
    );
    expect(checkSignatures([e1, e2], keys)).toEqual({ problems: [], legacy: 0 });
    const forged = sealEntry(
      { actor: 'bob', action: 'approve', model: 'fan', version: 1, reason: 'ok' },
      e1,
      '2025-01-01T00:00:01.000Z',
      { ...alice, principal: 'bob', keyId: bob.keyId },
    );
    expect(checkSignatures([e1, forged], keys).problems[0]?.message).toMatch(/does not verify with bob's key: forged/);
    const unsigned: AuditEntry = { ...e2, signer: undefined, key: undefined, sig: undefined } as unknown as AuditEntry;
    expect(checkSignatures([e1, unsigned], keys).problems[0]?.message).toMatch(/is not signed although/);
    expect(checkSignatures([unsigned], keys)).toEqual({ problems: [], legacy: 1 });
    expect(checkSignatures([e1, e2], new Map([['alice', registered(alice)]])).problems[0]?.message).toMatch(
      /no key of bob is registered in keys\//,
    );
    const cp = checkpointOf(e2);
    expect(cp).not.toBeNull();
    expect(checkCheckpoints([e1, e2], [{ where: 'm', checkpoint: cp! }], keys)).toEqual([]);
    expect(checkCheckpoints([e1], [{ where: 'm', checkpoint: cp! }], keys)[0]?.message).toMatch(
      /audit entry seq 2 was removed from the end of the log: m holds the checkpoint of seq 2 \(approve by bob, signed by bob\)/,
    );
  });
});

describe('lock staleness on the observer clock', () => {
  it('is judged by how long the lock stayed unchanged, never by its mtime', () => {
    let now = 0;
    const watch = new StaleWatch(1000, () => now);
    const lock = { raw: '{"pid":1}', mtimeMs: 0 };
    expect(watch.isStale(lock)).toBe(false);
    now = 999;
    expect(watch.isStale(lock)).toBe(false);
    now = 1001;
    expect(watch.isStale(lock)).toBe(true);
    // A refresh (new mtime, whatever its value) starts the period again.
    expect(watch.isStale({ ...lock, mtimeMs: -5_000_000 })).toBe(false);
    now = 1500;
    expect(watch.isStale({ ...lock, mtimeMs: -5_000_000 })).toBe(false);
  });
});
