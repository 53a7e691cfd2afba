import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../../src/shared/api.js';
import type { IngestSummary, JobState, QualityRow, Signal } from '../../../src/shared/domain.js';
import { applyJobEvent, applyJobState, idleJob, jobStarted } from '../../../src/renderer/logic/job-tracker.js';
import { buildSignalPatch, signalToForm } from '../../../src/renderer/logic/signal-form.js';
import { qualitySeverity, worstSeverity, describeProblems } from '../../../src/renderer/logic/quality.js';
import { chartKeyAction } from '../../../src/renderer/logic/chart-keys.js';

const summary: IngestSummary = {
  files: [],
  rows: 10,
  values: 20,
  rejected: 1,
  duplicates: 0,
  signals: 2,
  signalIds: [1, 2],
  duplicateRule: 'last value wins',
  seconds: 0.5,
};

const job = (id: string, status: JobState['status']): JobState => ({
  id,
  kind: 'import',
  status,
  fraction: status === 'done' ? 1 : 0.5,
  message: status,
  result: status === 'done' ? summary : null,
  error: status === 'failed' ? 'boom' : null,
});

describe('job tracking', () => {
  it('follows progress and the finish of its own job only', () => {
    let view = jobStarted('j1', []);
    expect(view.status).toBe('running');
    view = applyJobEvent(view, { type: 'job-progress', jobId: 'other', fraction: 0.9, message: 'x' });
    expect(view.fraction).toBeNull();
    view = applyJobEvent(view, { type: 'job-progress', jobId: 'j1', fraction: null, message: 'reading' });
    expect(view).toMatchObject({ status: 'running', fraction: null, message: 'reading' });
    view = applyJobEvent(view, { type: 'job-finished', job: job('j1', 'done') });
    expect(view).toMatchObject({ status: 'done', summary });
    // Late progress does not reopen a finished job.
    view = applyJobEvent(view, { type: 'job-progress', jobId: 'j1', fraction: 0.2, message: 'late' });
    expect(view.status).toBe('done');
    expect(applyJobState(view, job('j1', 'running')).status).toBe('done');
  });

  it('replays events that arrived before the job id', () => {
    const early: ApiEvent[] = [
      { type: 'job-progress', jobId: 'j2', fraction: 0.3, message: 'a' },
      { type: 'job-finished', job: job('j2', 'failed') },
    ];
    expect(jobStarted('j2', early)).toMatchObject({ status: 'failed', error: 'boom' });
  });

  it('ignores events while idle', () => {
    expect(applyJobEvent(idleJob, { type: 'job-finished', job: job('j3', 'done') })).toBe(idleJob);
  });
});

const signal: Signal = {
  id: 7,
  asset: 'Pump 1',
  tag: 'TI-101',
  unit: '°C',
  samplePeriod: 10_000_000,
  validMin: 0,
  validMax: null,
  source: 'x.csv',
  timeKind: 'timestamp',
  count: 100,
  firstT: 0,
  lastT: 1,
};

describe('signal form', () => {
  it('shows the sample period in seconds for timestamp signals', () => {
    expect(signalToForm(signal)).toEqual({
      asset: 'Pump 1',
      unit: '°C',
      samplePeriod: '10',
      validMin: '0',
      validMax: '',
      labelCandidate: false,
    });
  });

  it('unmarks (or marks) a candidate label column', () => {
    const marked = { ...signal, labelCandidate: true };
    expect(signalToForm(marked).labelCandidate).toBe(true);
    expect(buildSignalPatch({ ...signalToForm(marked), labelCandidate: false }, marked)).toEqual({
      patch: { labelCandidate: false },
      changed: true,
    });
    expect(buildSignalPatch({ ...signalToForm(signal), labelCandidate: true }, signal)).toEqual({
      patch: { labelCandidate: true },
      changed: true,
    });
  });

  it('builds a patch with the changed fields only', () => {
    const form = signalToForm(signal);
    expect(buildSignalPatch(form, signal)).toEqual({ patch: {}, changed: false });
    expect(buildSignalPatch({ ...form, unit: '', validMax: '120,5', samplePeriod: '1' }, signal)).toEqual({
      patch: { unit: null, validMax: 120.5, samplePeriod: 1_000_000 },
      changed: true,
    });
  });

  it('rejects bad input', () => {
    const form = signalToForm(signal);
    expect(buildSignalPatch({ ...form, asset: ' ' }, signal)).toEqual({ error: 'Asset: required' });
    expect(buildSignalPatch({ ...form, validMin: 'abc' }, signal)).toHaveProperty('error');
    expect(buildSignalPatch({ ...form, validMin: '5', validMax: '1' }, signal)).toHaveProperty('error');
    expect(buildSignalPatch({ ...form, samplePeriod: '0' }, signal)).toHaveProperty('error');
  });
});

describe('quality severity', () => {
  const row: QualityRow = {
    signalId: 1,
    count: 10,
    min: 0,
    max: 1,
    mean: 0.5,
    firstT: 0,
    lastT: 9,
    period: 1,
    gaps: 0,
    largestGap: null,
    flatlines: 0,
    flatlineReadings: 0,
    nonFinite: 0,
    outOfRange: 0,
    badQuality: 0,
  };
  it('is amber for gaps and flatlines, red for wrong values', () => {
    expect(worstSeverity(row)).toBe('ok');
    expect(worstSeverity({ ...row, gaps: 2 })).toBe('warn');
    expect(worstSeverity({ ...row, flatlines: 1, outOfRange: 3 })).toBe('bad');
    expect(qualitySeverity({ ...row, nonFinite: 1 }).nonFinite).toBe('bad');
    expect(describeProblems({ ...row, gaps: 1, nonFinite: 2 })).toBe('1 gap, 2 non-finite');
  });
});

describe('chart keys', () => {
  const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) =>
    chartKeyAction({ key: k, ctrlKey: false, metaKey: false, altKey: false, ...mods });
  it('maps keys to actions and leaves browser shortcuts alone', () => {
    expect(key('+')).toBe('zoom-in');
    expect(key('=')).toBe('zoom-in');
    expect(key('-')).toBe('zoom-out');
    expect(key('ArrowLeft')).toBe('pan-left');
    expect(key('ArrowRight')).toBe('pan-right');
    expect(key('0')).toBe('reset');
    expect(key('+', { ctrlKey: true })).toBeNull();
    expect(key('a')).toBeNull();
  });
});
