import { describe, expect, it } from 'vitest';
import { parseRule } from '../../../../src/shared/alert-rules.js';
import type { Alert, Deployment } from '../../../../src/shared/monitoring.js';
import { DEFAULT_ROI_ASSUMPTIONS } from '../../../../src/shared/reports.js';
import { alertReport } from '../../../../src/main/core/reports/alert-report.js';
import { fleetHealth } from '../../../../src/main/core/reports/fleet-report.js';
import type { ReportData } from '../../../../src/main/core/reports/report-data.js';
import { leadTimeOf } from '../../../../src/main/core/reports/value-report.js';
import { renderReport, type RenderInput } from '../../../../src/main/core/reports/render-report.js';
import { renderOffThread } from '../../../../src/main/core/reports/render-client.js';
import { CancelledError } from '../../../../src/main/core/jobs/cancelled.js';

const deployment: Deployment = {
  id: 'dep-1',
  name: 'engines',
  model: { name: 'rul', stage: 'production', pinnedVersion: null },
  registry: '/r',
  role: 'champion',
  championId: null,
  assets: ['E1', 'E2'],
  mapping: {},
  rule: parseRule({ direction: 'below', setLevel: 40, clearLevel: 60 }),
  limits: {},
  currentVersion: 1,
  packageHash: null,
  pendingVersion: null,
  status: 'active',
  createdBy: 'maria',
  createdAt: '2026-01-01T00:00:00.000Z',
};

const alert = (id: string, asset: string, t: number, closed: Alert['closed']): Alert => ({
  id,
  deploymentId: 'dep-1',
  asset,
  role: 'champion',
  modelVersion: 1,
  raisedT: t,
  raisedValue: 30,
  clearedT: null,
  raisedAt: '2026-01-01T00:00:00.000Z',
  status: closed === null ? 'open' : 'closed',
  acknowledged: null,
  shelf: null,
  closed,
  realerts: 0,
  lastAnnouncedT: t,
});

/** Cycle-indexed (run-to-failure) data: E1 ends with a RUL of 30 (below the set level), E2 healthy at 90. */
const data: ReportData = {
  plant: 'test',
  workspacePath: '/w',
  period: { from: 1, to: 200, timeKind: 'cycle', label: 'cycles 1 – 200' },
  deployments: [deployment],
  alerts: [
    alert('A-1', 'E1', 150, {
      by: 'tom',
      at: '2026-01-02T00:00:00.000Z',
      disposition: { kind: 'false-alarm', cause: 'sensor-fault', note: null },
    }),
    alert('A-2', 'E1', 180, {
      by: 'tom',
      at: '2026-01-02T00:00:00.000Z',
      disposition: { kind: 'confirmed', failureMode: 'HPC', workOrderEventId: 7, note: null },
    }),
  ],
  scores: [
    { deploymentId: 'dep-1', asset: 'E1', output: 'rul', t: [190, 200], value: [35, 30], windowsInPeriod: 50 },
    { deploymentId: 'dep-1', asset: 'E2', output: 'rul', t: [190, 200], value: [95, 90], windowsInPeriod: 50 },
  ],
  violations: [],
  drift: [],
  events: [{ id: 7, asset: 'E1', kind: 'maintenance', t: 195 }],
  criticality: [],
  lastReading: new Map([
    ['E1', 200],
    ['E2', 200],
  ]),
  roi: DEFAULT_ROI_ASSUMPTIONS,
  hasMonitoringData: true,
};

describe('report assembly from a snapshot (no database)', () => {
  it('alert performance on cycle data: no false-alarm rate per asset-month (there is no calendar)', () => {
    const doc = alertReport(data, { generatedAt: 'now', locale: 'en-GB' });
    const labels = doc.summary.map((f) => f.label);
    expect(labels).not.toContain('false alarms per asset-month');
    expect(doc.summary.find((f) => f.label === 'false alarms')).toMatchObject({
      value: '1',
      note: 'cycle data: no rate per asset-month',
    });
    expect(labels).toContain('alerts per cycle');
  });

  it('fleet bands for a RUL model ("below" rule): past the set level is act now; RUL with its range', () => {
    const rows = fleetHealth(data);
    expect(rows.map((r) => [r.asset, r.band])).toEqual([
      ['E1', 'act-now'],
      ['E2', 'healthy'],
    ]);
    expect(rows[0]?.rul).toEqual({ estimate: 30, low: 30, high: 35, windows: 2 });
  });

  it('data health names contract warnings as well as blocks', () => {
    const warned: ReportData = {
      ...data,
      violations: [
        {
          id: 1,
          asset: 'E2',
          signal: 'sensor_15',
          workspaceSignal: 'E2/sensor_15',
          code: 'training-range',
          severity: 'warn',
          message: 'E2: sensor_15 outside the training range',
          measured: 0.004,
          limit: 0,
          readings: 259,
          range: { from: 1, to: 200 },
          modelVersion: 1,
        },
      ],
    };
    expect(fleetHealth(warned).find((r) => r.asset === 'E2')?.dataIssues).toEqual([
      '1 contract warning(s): sensor_15 training-range',
    ]);
    expect(fleetHealth(data).find((r) => r.asset === 'E2')?.dataIssues).toEqual([]);
  });

  it('lead time of a confirmed alert runs to its linked work order; a false alarm has none', () => {
    expect(leadTimeOf(data.alerts[1] as Alert, data.events)).toBe(15);
    expect(leadTimeOf(data.alerts[0] as Alert, data.events)).toBeNull();
  });

  it('renders in a worker thread to exactly what the same input renders in-thread; an abort ends it cancelled', async () => {
    const input: RenderInput = { kind: 'fleet', data, model: null, generatedAt: 'now', locale: 'en-GB', paper: 'a4' };
    const off = await renderOffThread(input);
    const here = renderReport(input);
    expect(off.sha256).toBe(here.sha256);
    expect(off.html).toBe(here.html);
    const abort = new AbortController();
    const pending = renderOffThread({ ...input, kind: 'alerts' }, abort.signal);
    abort.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
  }, 60_000);
});
