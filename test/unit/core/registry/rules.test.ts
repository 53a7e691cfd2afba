import { describe, expect, it } from 'vitest';
import type { AuditDraft, AuditEntry } from '../../../../src/main/core/registry/audit-entry.js';
import { checkAuditLog, sealEntry } from '../../../../src/main/core/registry/audit-log.js';
import { canonicalJson } from '../../../../src/main/core/registry/canonical-json.js';
import { currentProduction, replay, rollbackTarget } from '../../../../src/main/core/registry/governance.js';
import { formatSums, parseSums } from '../../../../src/main/core/registry/hash.js';
import { escapeHtml } from '../../../../src/main/core/registry/model-card.js';
import { checkFileName, checkModelName, checkVersion } from '../../../../src/main/core/registry/names.js';
import { parseTfjsModel } from '../../../../src/main/core/registry/tfjs-model.js';

const chain = (drafts: readonly AuditDraft[]): AuditEntry[] => {
  const entries: AuditEntry[] = [];
  for (const d of drafts) entries.push(sealEntry(d, entries.at(-1), `2025-01-01T00:00:0${entries.length}Z`));
  return entries;
};
const pub = (version: number, actor = 'alice'): AuditDraft => ({
  actor,
  action: 'publish',
  model: 'm',
  version,
  reason: null,
  files: {},
  manifestCore: 'c'.repeat(64),
  trainedBy: 'trainer',
});
const act = (
  action: AuditDraft['action'],
  version: number,
  actor = 'bob',
  extra: Partial<AuditDraft> = {},
): AuditDraft => ({ actor, action, model: 'm', version, reason: 'because', ...extra });
const text = (entries: readonly AuditEntry[]) => entries.map((e) => `${JSON.stringify(e)}\n`).join('');

describe('names', () => {
  it('accept plain names and refuse traversal, absolute paths and separators', () => {
    expect(checkModelName('pump-rul.v2')).toBe('pump-rul.v2');
    for (const bad of ['../x', '/etc', 'a/b', 'a\\b', '..', '.hidden', 'Pump', '', 'x'.repeat(65), 'a..b'])
      expect(() => checkModelName(bad), bad).toThrow();
    for (const bad of ['../w.bin', '/abs', 'C:\\x', 'a/b.bin', '.', '..'])
      expect(() => checkFileName(bad), bad).toThrow();
    expect(checkVersion('12')).toBe(12);
    for (const bad of ['0', '01', '-1', '1.5', '1e3', 'latest']) expect(() => checkVersion(bad), bad).toThrow();
  });
});

describe('SHA256SUMS and canonical JSON', () => {
  it('round-trips the sha256sum format and refuses paths in it', () => {
    const sums = new Map([
      ['b.bin', 'b'.repeat(64)],
      ['a.json', 'a'.repeat(64)],
    ]);
    const written = formatSums(sums);
    expect(written).toBe(`${'a'.repeat(64)}  a.json\n${'b'.repeat(64)}  b.bin\n`);
    expect(parseSums(written)).toEqual(sums);
    expect(() => parseSums(`${'a'.repeat(64)}  ../etc/passwd\n`)).toThrow();
  });
  it('sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });
});

describe('TF.js model.json', () => {
  it('computes the bytes each weight group needs, including quantised weights', () => {
    const groups = parseTfjsModel(
      JSON.stringify({
        format: 'layers-model',
        modelTopology: {},
        weightsManifest: [
          {
            paths: ['g1.bin'],
            weights: [
              { name: 'k', shape: [3, 4], dtype: 'float32' },
              { name: 'q', shape: [10], dtype: 'float32', quantization: { dtype: 'uint8', min: 0, scale: 1 } },
            ],
          },
        ],
      }),
    );
    expect(groups).toEqual([{ paths: ['g1.bin'], expectedBytes: 3 * 4 * 4 + 10 }]);
    expect(() =>
      parseTfjsModel(JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['../w.bin'], weights: [] }] })),
    ).toThrow(/file name/);
  });
});

describe('model card', () => {
  it('escapes every HTML metacharacter', () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).toBe(
      '&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;',
    );
  });
});

describe('governance replay', () => {
  it('walks candidate -> approved -> production and rolls back to the previous production version', () => {
    const entries = chain([
      pub(1),
      act('approve', 1),
      act('promote', 1, 'bob', { previous: null }),
      pub(2),
      act('approve', 2),
      act('promote', 2, 'bob', { previous: 1 }),
      act('rollback', 1, 'bob', { previous: 2 }),
    ]);
    const { state, problems } = replay(entries);
    expect(problems).toEqual([]);
    const model = state.get('m');
    expect(model && [currentProduction(model), rollbackTarget(model)]).toEqual([1, null]);
    expect(model?.versions.get(2)?.stage).toBe('approved');
    expect(model?.versions.get(1)?.decisions).toEqual([
      { decision: 'approved', by: 'bob', at: '2025-01-01T00:00:01Z', reason: 'because' },
    ]);
  });
  it('four eyes: the author and the trainer cannot approve (case-insensitively)', () => {
    expect(replay(chain([pub(1), act('approve', 1, 'ALICE')])).problems[0]?.message).toMatch(/four-eyes/);
    expect(replay(chain([pub(1), act('approve', 1, 'trainer')])).problems[0]?.message).toMatch(/four-eyes/);
  });
  it('refuses out-of-order transitions and a second production version', () => {
    expect(replay(chain([pub(1), act('promote', 1, 'bob', { previous: null })])).problems[0]?.message).toMatch(
      /only an approved/,
    );
    expect(replay(chain([pub(1), act('reject', 1, 'bob', { reason: '' })])).problems[0]?.message).toMatch(
      /needs a reason/,
    );
    expect(replay(chain([pub(1), pub(1)])).problems[0]?.message).toMatch(/versions only grow/);
  });
});

describe('audit chain check', () => {
  const entries = chain([pub(1), act('approve', 1), pub(2), act('archive', 2)]);
  const head = { seq: 4, hash: entries[3]?.hash ?? '' };
  it('passes an intact log', () => {
    expect(checkAuditLog(text(entries), head).problems).toEqual([]);
  });
  it('names an edited entry, a deleted one and a truncated tail', () => {
    const edited = text(entries).replace('"reason":"because"', '"reason":"because I said so"');
    expect(checkAuditLog(edited, head).problems.map((p) => p.seq)).toEqual([2]);
    expect(
      checkAuditLog(text([entries[0], entries[2], entries[3]] as AuditEntry[]), head).problems.map((p) => p.seq),
    ).toEqual([2]);
    expect(checkAuditLog(text(entries.slice(0, 3)), head).problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/seq 4 is missing at the end/),
    ]);
    expect(checkAuditLog(text(entries.slice(1)), head).problems[0]?.message).toMatch(/seq 1 is missing/);
    expect(
      checkAuditLog(`${text(entries.slice(0, 2))}{not json\n${text(entries.slice(3))}`, head).problems.map(
        (p) => p.seq,
      ),
    ).toEqual([3]);
  });
});
