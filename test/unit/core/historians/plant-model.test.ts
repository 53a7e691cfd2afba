import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlantModel, type Sample } from '../../../../src/main/core/historians/simulator/plant-model.js';
import { decryptSecret, encryptSecret, loadOrCreateKey } from '../../../../src/main/core/historians/secrets.js';

const options = { seed: 3, assets: 2, startMs: Date.UTC(2024, 0, 1), endMs: Date.UTC(2024, 2, 1), periodMs: 60_000 };

describe('plant model', () => {
  it('same seed, same data; another seed, other data', () => {
    const a = new PlantModel(options);
    const b = new PlantModel(options);
    const c = new PlantModel({ ...options, seed: 4 });
    const s = (m: PlantModel, k: number): Sample | null => {
      const out: Sample = { t: 0, value: null, status: 0 };
      return m.sample(1, k, out) ? out : null;
    };
    const k0 = a.firstIndex;
    for (let k = k0; k < k0 + 5000; k += 97) expect(s(a, k)).toEqual(s(b, k));
    expect(a.workOrders).toEqual(b.workOrders);
    expect([...Array(50).keys()].some((i) => s(a, k0 + i)?.value !== s(c, k0 + i)?.value)).toBe(true);
  });
});

describe('secrets', () => {
  it('encrypts with a 0600 key kept outside the workspace; a wrong key cannot decrypt', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pdm-key-'));
    try {
      const key = await loadOrCreateKey(dir);
      expect((await stat(join(dir, 'secret.key'))).mode & 0o777).toBe(0o600);
      expect(await loadOrCreateKey(dir)).toEqual(key);
      const stored = encryptSecret(key, 'p@ss wörd');
      expect(stored).not.toContain('p@ss');
      expect(decryptSecret(key, stored)).toBe('p@ss wörd');
      expect(() => decryptSecret(Buffer.alloc(32), stored)).toThrow(/cannot be decrypted/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
