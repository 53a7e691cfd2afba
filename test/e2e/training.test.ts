import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobState } from '../../src/shared/domain.js';
import type { RunDetail, RunSummary, TrainConfigInput } from '../../src/shared/training.js';
import type { ServedApp } from '../support/serve.js';
import { ARTIFACTS, openBrowserSession, tempHome, type BrowserSession } from '../support/session.js';

const SIGNALS = ['sensor_2', 'sensor_3', 'sensor_4', 'sensor_7', 'sensor_11', 'sensor_12', 'sensor_15', 'sensor_21'];
const EPOCHS = 6;

describe('training from the app, end to end in Chromium', () => {
  let home: string;
  let session: BrowserSession;
  let app: ServedApp;
  let page: Page;

  beforeAll(async () => {
    home = await tempHome('pdm-e2e-train-');
    session = await openBrowserSession(home);
    ({ app, page } = session);
  });

  afterAll(async () => {
    await session?.close();
  });

  it('trains a small RUL model on the sample engines, lists the run and shows predicted vs true', async () => {
    await page.goto(app.url);
    await page.getByTestId('open-sample').click();
    await page.getByTestId('workspace-path').waitFor({ timeout: 60_000 });

    // The Models area, reachable from the header (a tab, so keyboard users get there too).
    const modelsTab = page.getByTestId('area-models');
    await modelsTab.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('models-view').waitFor();
    await page.getByTestId('runs-empty').waitFor();

    await page.getByTestId('models-train').click();
    const dialog = page.getByTestId('train-dialog');
    await dialog.waitFor();
    // Defaults: RUL, dense, every sample engine by its name prefix.
    expect(await page.getByTestId('train-task').inputValue()).toBe('rul');
    expect(await page.getByTestId('train-model').inputValue()).toBe('dense');
    expect(await page.getByTestId('train-asset-prefix').inputValue()).toBe('FD001 engine');

    await page.getByTestId('train-signals-none').click();
    for (const tag of SIGNALS) await page.getByTestId(`train-signal-${tag}`).check();
    await page.getByTestId('train-name').fill('e2e small dense');
    await page.getByTestId('train-units').fill('16');
    await page.getByTestId('train-window-length').fill('20');
    await page.getByTestId('train-smoothing').fill('0.3; 0.05');
    await page.getByTestId('train-baseline').fill('15');
    await page.getByTestId('train-age').check();
    await page.getByTestId('train-epochs').fill(String(EPOCHS));
    await page.getByTestId('train-batch-size').fill('128');
    await page.getByTestId('train-ensemble').fill('2');

    // A bad value is refused in the form, naming the field.
    await page.getByTestId('train-window-length').fill('0');
    await expect.poll(() => page.getByTestId('train-form-error').textContent()).toContain('Window length');
    expect(await page.getByTestId('train-start').isDisabled()).toBe(true);
    await page.getByTestId('train-window-length').fill('20');

    // The advanced editor shows the same config as JSON and validates it with the schema.
    await page.getByTestId('train-advanced').check();
    const json = page.getByTestId('train-json');
    const text = await json.inputValue();
    expect(JSON.parse(text)).toMatchObject({
      dataset: { smoothing: [0.3, 0.05], baseline: 15, age: true },
      model: { type: 'dense', units: [16] },
      training: { epochs: EPOCHS, ensemble: 2 },
    });
    await json.fill(text.replace('"dense"', '"transformer"'));
    await expect.poll(() => page.getByTestId('train-form-error').textContent()).toContain('model.type');
    await json.fill(text);
    await expect.poll(() => page.getByTestId('train-form-error').count()).toBe(0);

    await page.getByTestId('train-start').click();
    const result = page.getByTestId('train-result');
    await result.waitFor({ timeout: 90_000 });
    // Live progress: one point per finished epoch on the loss chart (early stopping may end sooner).
    const points = Number(await page.getByTestId('train-loss-chart').getAttribute('data-points'));
    expect(points).toBeGreaterThan(0);
    expect(points).toBeLessThanOrEqual(EPOCHS);
    expect(await page.$$eval('[data-testid="train-loss-chart"] path.recharts-line-curve', (p) => p.length)).toBe(2);
    const runId = await result.getAttribute('data-run');
    if (runId === null) throw new Error('no run id');
    const rmse = Number(await result.getAttribute('data-rmse'));
    expect(rmse).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-train-dialog.png') });
    await page.getByTestId('train-close').click();

    // The run in the table, with its RMSE.
    const row = page.getByTestId(`run-row-${runId}`);
    await row.waitFor();
    const cell = row.getByTestId('run-metric-rmse');
    expect(Number(await cell.getAttribute('data-value'))).toBeCloseTo(rmse, 6);
    expect((await cell.textContent())?.trim()).toMatch(/^\d+\.\d\d$/);
    const runs = await app.call<RunSummary[]>('listRuns');
    expect(runs.map((r) => r.id)).toEqual([runId]);
    expect(runs[0]).toMatchObject({ task: 'rul', modelType: 'dense', status: 'done' });
    // The dialog's two ensemble members, two smoothing rates, the life baseline and the age are in the run's record.
    const detail = await app.call<RunDetail>('getRun', { id: runId });
    expect(detail.artifact).toMatchObject({
      config: { dataset: { smoothing: [0.3, 0.05], baseline: 15, age: true }, training: { ensemble: 2 } },
    });
    const { features, inputs } = detail.artifact as { features: string[]; inputs: string[] };
    expect(inputs).toEqual([
      ...features,
      ...features.map((f) => `${f} (EWMA 0.05)`),
      ...features.map((f) => `${f} (change from life baseline)`),
      'age in life',
    ]);

    // Its detail: predicted vs true scatter with the y = x line, error by remaining life.
    await page.getByTestId(`run-open-${runId}`).click();
    const scatter = page.getByTestId('run-scatter');
    await scatter.waitFor();
    await expect.poll(async () => Number(await scatter.getAttribute('data-points'))).toBeGreaterThan(0);
    await expect
      .poll(() => page.locator('[data-testid="run-scatter"] .recharts-scatter-symbol').count())
      .toBeGreaterThan(0);
    expect(await page.locator('[data-testid="run-scatter"] .recharts-reference-line').count()).toBe(1);
    await page.getByTestId('run-error-by-rul').waitFor();
    expect((await page.getByTestId('run-detail-rmse').textContent())?.trim()).toBe((await cell.textContent())?.trim());
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-run-detail.png'), fullPage: true });
  });

  it('compares two runs, moves an alarm threshold live, explains, deletes a run and cancels a long job', async () => {
    // A failure-within-horizon classifier, started through the API (the form path is covered above).
    const config: TrainConfigInput = {
      name: 'e2e horizon',
      dataset: {
        assets: { prefix: 'FD001 engine' },
        signals: SIGNALS,
        window: { length: 20, stride: 2 },
        smoothing: 0.3,
        label: { kind: 'failure-horizon', horizon: 30 },
      },
      model: { type: 'dense', units: [16] },
      training: { epochs: 4, batchSize: 128, seed: 1 },
    };
    const { jobId } = await app.call<{ jobId: string }>('startTraining', { config });
    await expect
      .poll(async () => (await app.call<JobState>('getJob', { jobId })).status, { timeout: 60_000, interval: 250 })
      .not.toBe('running');
    const job = await app.call<JobState>('getJob', { jobId });
    expect(job.error).toBeNull();
    const horizonRun = job.training?.run ?? '';
    const rows = page.locator('[data-testid="runs-table"] tbody tr');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
    const [rulRun] = (await app.call<RunSummary[]>('listRuns')).filter((r) => r.id !== horizonRun).map((r) => r.id);
    if (rulRun === undefined) throw new Error('no RUL run');

    // Filter and sort.
    await page.getByTestId('runs-filter').fill('failure-horizon');
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByTestId('runs-filter').fill('');
    await page.getByTestId('runs-sort-rmse').click();
    expect(await rows.first().getAttribute('data-run-id')).toBe(rulRun);

    // Compare side by side: the task and label differ, the dataset window does not.
    await page.getByTestId(`run-compare-${rulRun}`).check();
    await page.getByTestId(`run-compare-${horizonRun}`).check();
    await page.getByTestId('runs-compare').click();
    const compare = page.getByTestId('runs-compare-table');
    await compare.waitFor();
    expect(await compare.locator('tr[data-key="task"]').getAttribute('data-differs')).toBe('true');
    expect(await compare.locator('tr[data-key="dataset.label.kind"]').getAttribute('data-differs')).toBe('true');
    expect(await compare.locator('tr[data-key="dataset.window.length"]').getAttribute('data-differs')).toBe('false');
    await page.getByTestId('compare-close').click();

    // The classifier's threshold slider recomputes the confusion matrix live.
    await page.getByTestId(`run-open-${horizonRun}`).click();
    const matrix = page.getByTestId('confusion-matrix');
    await matrix.waitFor();
    const counts = async () => {
      const [tp, fp, tn, fn] = await Promise.all(
        ['tp', 'fp', 'tn', 'fn'].map(async (k) => Number(await matrix.getAttribute(`data-${k}`))),
      );
      return { tp: tp ?? 0, fp: fp ?? 0, tn: tn ?? 0, fn: fn ?? 0 };
    };
    const trained = await counts();
    const windows = trained.tp + trained.fp + trained.tn + trained.fn;
    expect(windows).toBeGreaterThan(0);
    expect(trained.tp).toBe(job.training?.metrics['tp']);
    const slider = page.getByTestId('threshold-slider');
    await slider.focus();
    const text = async (id: string) => (await page.getByTestId(id).textContent())?.trim();
    const failuresTotal =
      Number(job.training?.metrics['detected_failures']) + Number(job.training?.metrics['missed_failures']);
    expect(failuresTotal).toBeGreaterThan(0);
    expect(await text('threshold-false-alarms')).toBe(String(job.training?.metrics['false_alarms']));
    await page.keyboard.press('End');
    await expect.poll(async () => (await counts()).tp + (await counts()).fp).toBe(0);
    // No alarm at all: every failure missed, no false alarm, no lead time.
    expect(await text('threshold-failures-detected')).toBe(`0 of ${failuresTotal}`);
    expect(await text('threshold-false-alarms')).toBe('0');
    expect(await text('threshold-mean-lead-time')).toBe('—');
    await page.keyboard.press('Home');
    await expect.poll(async () => (await counts()).tn + (await counts()).fn).toBe(0);
    expect((await page.getByTestId('threshold-recall').textContent())?.trim()).toBe('100.0 %');
    // Alarming everywhere warns of every failure from the start of its abnormal period (horizon 30 cycles).
    expect(await text('threshold-failures-detected')).toBe(`${failuresTotal} of ${failuresTotal}`);
    expect(await text('threshold-mean-lead-time')).toMatch(/cycles$/);
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-run-threshold.png'), fullPage: true });

    // "Save as the run's alarm threshold": the slider's value with a reason; the run keeps who, why and when.
    await page.getByTestId('threshold-reason').fill('alarm at every window for the review');
    await page.getByTestId('threshold-save-button').click();
    await expect.poll(async () => text('threshold-saved')).toContain('alarm at every window for the review');
    const saved = (
      await app.call<{ alarmThreshold?: { reason: string; by: string } | null }>('getRun', { id: horizonRun })
    ).alarmThreshold;
    expect(saved?.reason).toBe('alarm at every window for the review');
    expect(saved?.by.length).toBeGreaterThan(0);

    // Per-prediction drivers: re-scoring reproduces the record and names the signals behind the worst windows.
    await page.getByTestId('run-explain').click();
    const explanations = page.getByTestId('run-explanations');
    await explanations.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('run-reproduced').getAttribute('data-matches')).toBe('true');
    expect(await explanations.locator('tbody tr').count()).toBeGreaterThan(0);

    // Delete with confirmation.
    await page.getByTestId(`run-delete-${horizonRun}`).click();
    await page.getByTestId('run-delete-confirm').click();
    await expect.poll(() => rows.count()).toBe(1);
    expect((await app.call<RunSummary[]>('listRuns')).map((r) => r.id)).toEqual([rulRun]);
    await page.getByTestId('run-detail').waitFor({ state: 'detached' });

    // A long job shows live progress and stops on Cancel.
    await page.getByTestId('models-train').click();
    await page.getByTestId('train-epochs').fill('5000');
    await page.getByTestId('train-advanced').check();
    const json = page.getByTestId('train-json');
    await json.fill((await json.inputValue()).replace('"patience": 10', '"patience": null'));
    await page.getByTestId('train-start').click();
    const progress = page.getByTestId('train-progress');
    await expect
      .poll(async () => Number(await progress.getAttribute('data-epoch')), { timeout: 30_000 })
      .toBeGreaterThanOrEqual(2);
    await expect
      .poll(async () => Number(await page.getByTestId('train-loss-chart').getAttribute('data-points')))
      .toBeGreaterThanOrEqual(2);
    await page.getByTestId('train-cancel').click();
    await page.getByTestId('train-cancelled').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('train-job').getAttribute('data-status')).toBe('cancelled');
    await page.getByTestId('train-close').click();
  });
});
