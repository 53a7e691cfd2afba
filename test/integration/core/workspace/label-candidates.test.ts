import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../../src/main/core/app/app-core.js';
import {
  defaultTrainForm,
  formToConfig,
  labelColumnChoices,
  withTask,
} from '../../../../src/renderer/logic/train-form.js';
import type { Signal } from '../../../../src/shared/domain.js';
import { apiCaller } from '../../../support/api-caller.js';
import { sqlString, withScratchDuckDB } from './helpers.js';

// A plant export as it comes: two sensors, a continuous sensor whose name holds a label word (status_pressure), a 0/1
// machine_status and a FaultCode state column (0 normal, 3 and 7 two fault kinds).
const ROWS = 120;
const csv = (day: number) => {
  const lines = ['time,Temperature [°C],status_pressure [bar],machine_status,FaultCode'];
  for (let i = 0; i < ROWS; i += 1) {
    const t = new Date(Date.UTC(2026, 3, day) + i * 60_000).toISOString();
    const fault = i >= 90 ? 1 : 0;
    const code = i < 90 ? 0 : i < 105 ? 3 : 7;
    lines.push(
      `${t},${(60 + Math.sin(i / 5) + 4 * fault).toFixed(3)},${(4 + 0.37 * Math.cos(i / 7)).toFixed(4)},${fault},${code}`,
    );
  }
  return `${lines.join('\n')}\n`;
};

let root: string;
let core: AppCore;
const { call, settle } = apiCaller(() => core);
const importFile = async (path: string, asset: string) => {
  const job = await settle((await call('startImport', { paths: [path], options: { asset } })).jobId);
  expect(job.status, job.error ?? undefined).toBe('done');
};
const signalsOf = async (asset: string): Promise<Signal[]> =>
  (await call('listSignals', {})).filter((s) => s.asset === asset);
const marked = (signals: readonly Signal[]) =>
  signals
    .filter((s) => s.labelCandidate === true)
    .map((s) => s.tag)
    .sort();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pdm-label-candidates-'));
  core = await createAppCore({ userDataDir: join(root, 'user-data'), shell: 'web', workspace: join(root, 'ws') });
}, 60_000);
afterAll(async () => {
  await core?.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('candidate label columns at import', () => {
  it('a CSV: 0/1 and state-code columns with label names are flagged; sensors, even named status_pressure, are not', async () => {
    const path = join(root, 'pump-a.csv');
    await writeFile(path, csv(1));
    await importFile(path, 'pump-a');
    const signals = await signalsOf('pump-a');
    expect(signals.map((s) => s.tag).sort()).toEqual(['FaultCode', 'Temperature', 'machine_status', 'status_pressure']);
    expect(marked(signals)).toEqual(['FaultCode', 'machine_status']);
    expect(signals.find((s) => s.tag === 'status_pressure')?.labelCandidate).toBe(false);
  });

  it('the train dialog leaves flagged columns out of the default inputs and offers them first as the label column', async () => {
    const signals = await call('listSignals', {});
    const form = defaultTrainForm(signals);
    expect(form.signals).toEqual(['status_pressure', 'Temperature']);
    expect(form.labelColumn).toBe('FaultCode');
    expect(labelColumnChoices(signals, ['pump-a'])).toEqual([
      'FaultCode',
      'machine_status',
      'status_pressure',
      'Temperature',
    ]);
    // Anomaly labels from the column: the config names it as labels and trains on the sensors only.
    const result = formToConfig({ ...withTask(form, 'anomaly'), anomalyRule: 'column', modelType: 'pca' }, 'UTC');
    if (!('config' in result)) throw new Error(JSON.stringify(result));
    expect(result.config.dataset.signals).toEqual(['status_pressure', 'Temperature']);
    expect(result.config.dataset.label).toMatchObject({ kind: 'anomaly', column: { tag: 'FaultCode', normal: [0] } });
  });

  it('the user can unmark a column, and a later import of the same column does not mark it again', async () => {
    const status = (await signalsOf('pump-a')).find((s) => s.tag === 'machine_status');
    const [updated] = await call('updateSignals', { ids: [status?.id], patch: { labelCandidate: false } });
    expect(updated?.labelCandidate).toBe(false);
    const path = join(root, 'pump-a-day2.csv');
    await writeFile(path, csv(2));
    await importFile(path, 'pump-a');
    const signals = await signalsOf('pump-a');
    expect(signals.find((s) => s.tag === 'machine_status')?.count).toBe(2 * ROWS);
    expect(marked(signals)).toEqual(['FaultCode']);
    expect(defaultTrainForm(signals).signals).toEqual(['machine_status', 'status_pressure', 'Temperature']);
  });

  it('a Parquet file: an integer failure column is flagged, a few-valued integer sensor with a plain name is not', async () => {
    const path = join(root, 'fan.parquet');
    await withScratchDuckDB((all) =>
      all(`COPY (
             SELECT TIMESTAMPTZ '2026-04-01 00:00:00+00' + to_minutes(i::BIGINT) AS time,
                    (50 + i % 4)::INTEGER AS Speed, (i >= 80)::INTEGER AS failure, 20 + i / 7 AS "Temp [°C]"
             FROM range(100) r(i)
           ) TO ${sqlString(path)} (FORMAT parquet)`),
    );
    await importFile(path, 'fan');
    expect(marked(await signalsOf('fan'))).toEqual(['failure']);
  });
});
