import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { cmapssFd001Config } from '../../../../src/main/core/runs/cmapss.js';
import { parseTrainConfig } from '../../../../src/main/core/runs/load-config.js';

describe('the documented FD001 config', () => {
  it('docs/training.md, docs/examples/cmapss-fd001.json and benchmark cmapss use the same config', async () => {
    const example = JSON.parse(await readFile('docs/examples/cmapss-fd001.json', 'utf8')) as unknown;
    const markdown = await readFile('docs/training.md', 'utf8');
    const block = /```json\n([\s\S]*?)```/.exec(markdown)?.[1] ?? '';
    expect(JSON.parse(block)).toEqual(example);
    const rul = '../../../shared/data/cmapss/RUL_FD001.txt';
    expect(parseTrainConfig(example)).toEqual(parseTrainConfig(cmapssFd001Config(rul)));
  });

  it('the accurate preset is the default config with a 5-member ensemble, and docs/training.md shows it', async () => {
    const rul = '../../../shared/data/cmapss/RUL_FD001.txt';
    const base = parseTrainConfig(cmapssFd001Config(rul));
    const accurate = parseTrainConfig(cmapssFd001Config(rul, undefined, 'accurate'));
    // Same data, protocol, evaluation, model and schedule: only the ensemble size differs.
    expect(accurate.dataset).toEqual(base.dataset);
    expect(accurate.evaluation).toEqual(base.evaluation);
    expect({ ...accurate.training, ensemble: base.training.ensemble }).toEqual(base.training);
    expect(accurate.model).toEqual(base.model);
    expect(accurate.training.ensemble).toBe(5);
    const markdown = await readFile('docs/training.md', 'utf8');
    expect(markdown).toContain('--preset accurate');
    expect(markdown).toContain('"ensemble": 5');
  });

  it('refuses a config with schema errors, naming the path', () => {
    expect(() => parseTrainConfig({ dataset: {}, model: { type: 'dense' } })).toThrow(
      /invalid training config: dataset\.assets/,
    );
    expect(() => parseTrainConfig({ ...cmapssFd001Config('x'), model: { type: 'transformer' } })).toThrow(/model/);
  });
});
