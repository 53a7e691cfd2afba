import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../../src/shared/api.js';
import type { JobState } from '../../../src/shared/domain.js';
import {
  applyJobsEvent,
  FINISHED_SHOWN,
  jobsSummary,
  kindLabel,
  markCancelling,
  mergeJobList,
  rowStatus,
  runningCount,
  type JobRow,
} from '../../../src/renderer/logic/jobs-list.js';

const state = (id: string, status: JobState['status'], kind: JobState['kind'] = 'import'): JobState => ({
  id,
  kind,
  status,
  fraction: status === 'running' ? 0.25 : 1,
  message: status === 'running' ? 'reading' : status,
  result: null,
  error: status === 'failed' ? 'no time column found' : null,
});

const progress = (jobId: string, fraction: number | null, message: string): ApiEvent => ({
  type: 'job-progress',
  jobId,
  fraction,
  message,
});
const finished = (job: JobState): ApiEvent => ({ type: 'job-finished', job });

describe('jobs panel: the list', () => {
  it('shows running jobs first, then the latest finished ones, at most FINISHED_SHOWN of them', () => {
    const listed = [
      state('r1', 'running'),
      state('r2', 'running', 'training'),
      ...Array.from({ length: 8 }, (_, i) => state(`f${i}`, 'done')),
    ];
    const rows = mergeJobList([], listed);
    expect(rows.map((r) => r.id)).toEqual(['r1', 'r2', 'f0', 'f1', 'f2', 'f3', 'f4']);
    expect(rows).toHaveLength(2 + FINISHED_SHOWN);
    expect(runningCount(rows)).toBe(2);
    expect(jobsSummary(rows)).toBe('2 jobs running');
  });

  it('a list answer older than the events never moves a finished job back to running', () => {
    let rows = mergeJobList([], [state('a', 'running')]);
    rows = applyJobsEvent(rows, finished(state('a', 'done'))).rows;
    rows = mergeJobList(rows, [state('a', 'running')]);
    expect(rows).toMatchObject([{ id: 'a', status: 'done' }]);
    expect(jobsSummary(rows)).toBe('No jobs running');
    expect(jobsSummary([])).toBe('No jobs');
  });

  it('progress events update their row; one for an unknown job adds it and asks for a refresh', () => {
    let rows = mergeJobList([], [state('a', 'running')]);
    const step = applyJobsEvent(rows, progress('a', 0.5, 'file 1 of 2: storing'));
    expect(step.unknown).toBe(false);
    rows = step.rows;
    expect(rows[0]).toMatchObject({ fraction: 0.5, message: 'file 1 of 2: storing' });
    const other = applyJobsEvent(rows, progress('b', null, 'connecting'));
    expect(other.unknown).toBe(true);
    expect(other.rows.map((r) => [r.id, r.kind, r.status])).toEqual([
      ['a', 'import', 'running'],
      ['b', null, 'running'],
    ]);
    // The refresh then fills in the kind.
    expect(mergeJobList(other.rows, [state('a', 'running'), state('b', 'running', 'opcua-import')])[1]).toMatchObject({
      kind: 'opcua-import',
    });
  });

  it('late progress after the end is ignored; the finished job moves below the running ones', () => {
    let rows = mergeJobList([], [state('a', 'running'), state('b', 'running')]);
    rows = applyJobsEvent(rows, finished(state('a', 'failed'))).rows;
    expect(rows.map((r) => [r.id, r.status])).toEqual([
      ['b', 'running'],
      ['a', 'failed'],
    ]);
    const late = applyJobsEvent(rows, progress('a', 0.9, 'storing'));
    expect(late.unknown).toBe(false);
    expect(late.rows).toEqual(rows);
    expect(rowStatus(rows[1] as JobRow)).toBe('failed: no time column found');
  });

  it('Cancel shows "cancelling…" until the job ends, also across a list refresh', () => {
    let rows = mergeJobList([], [state('a', 'running')]);
    rows = markCancelling(rows, 'a');
    expect(rowStatus(rows[0] as JobRow)).toBe('cancelling…');
    rows = mergeJobList(rows, [state('a', 'running')]);
    expect(rows[0]?.cancelling).toBe(true);
    rows = applyJobsEvent(rows, finished(state('a', 'cancelled'))).rows;
    expect(rows[0]).toMatchObject({ status: 'cancelled', cancelling: false });
    expect(rowStatus(rows[0] as JobRow)).toBe('cancelled');
    // A finished job cannot be marked.
    expect(markCancelling(rows, 'a')[0]?.cancelling).toBe(false);
  });

  it('says what runs in the user words', () => {
    expect(kindLabel('import')).toBe('File import');
    expect(kindLabel('opcua-import')).toBe('Historian import');
    expect(kindLabel('training')).toBe('Training');
    expect(kindLabel(null)).toBe('Job');
    const row = mergeJobList([], [state('a', 'running')])[0] as JobRow;
    expect(rowStatus(row)).toBe('25 % · reading');
    expect(rowStatus({ ...row, fraction: null, message: 'connecting' })).toBe('connecting');
  });

  it('other events leave the list as it is', () => {
    const rows = mergeJobList([], [state('a', 'running')]);
    expect(applyJobsEvent(rows, { type: 'workspace-changed' })).toEqual({ rows, unknown: false });
  });
});
