import { describe, expect, it } from 'vitest';
import { describeSavedDataset } from '../../../src/renderer/logic/datasets.js';
import { fetchTargetIn, fetchTargetProblem } from '../../../src/renderer/logic/registry-fetch.js';

describe('registry fetch dialog: the folder to create', () => {
  it('is <model>-v<version> inside the chosen folder, for either separator', () => {
    expect(fetchTargetIn('/data/models/', 'pump-rul', 3)).toBe('/data/models/pump-rul-v3');
    expect(fetchTargetIn('C:\\models', 'pump-rul', 3)).toBe('C:\\models\\pump-rul-v3');
  });

  it('must be an absolute path', () => {
    expect(fetchTargetProblem('')).toMatch(/Give the folder/);
    expect(fetchTargetProblem('models/x')).toMatch(/absolute path/);
    expect(fetchTargetProblem('/data/x')).toBeNull();
    expect(fetchTargetProblem('D:\\x')).toBeNull();
  });
});

describe('dataset snapshot button: what was saved', () => {
  const created = {
    id: 'ds-0123456789abcdef',
    name: 'engines 7-10',
    contentHash: 'a'.repeat(64),
    assets: ['e7', 'e8', 'e9', 'e10'],
    signals: ['sensor_2'],
    windows: 1450,
  };
  it('says whether it is new or was saved before, with its id, assets and windows', () => {
    expect(describeSavedDataset({ ...created, created: true })).toMatch(
      /^Saved dataset snapshot ds-0123456789abcdef "engines 7-10": 4 assets, 1,450 windows\./,
    );
    expect(describeSavedDataset({ ...created, created: false })).toMatch(/^Already saved as ds-0123456789abcdef/);
  });
});
