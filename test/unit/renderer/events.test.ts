import { describe, expect, it } from 'vitest';
import type { WorkspaceEvent } from '../../../src/shared/historian.js';
import {
  assetsOf,
  emptyEventForm,
  eventMarks,
  eventTitle,
  eventToForm,
  formToEdit,
  parseTimeInput,
  timeKindOfAsset,
  timeToInput,
} from '../../../src/renderer/logic/events.js';

const H = 3_600_000_000;
const T0 = Date.UTC(2024, 2, 5, 12) * 1000;
const event = (patch: Partial<WorkspaceEvent>): WorkspaceEvent => ({
  id: 1,
  asset: 'P-101',
  kind: 'failure',
  start: T0,
  end: T0 + H,
  timeKind: 'timestamp',
  code: 'BRG',
  description: 'bearing seized',
  source: 'manual',
  ...patch,
});

describe('event marks on the chart', () => {
  it('keeps events on the chart axis that overlap the range, clipping bands to it', () => {
    const events = [
      event({ id: 1 }),
      event({ id: 2, start: T0 - 10 * H, end: T0 - 9 * H }),
      event({ id: 3, kind: 'inspection', end: null, start: T0 + 2 * H }),
      event({ id: 4, timeKind: 'cycle', start: 5, end: 9 }),
      event({ id: 5, start: T0 - H, end: T0 + 10 * H }),
    ];
    const marks = eventMarks(events, 'timestamp', T0, T0 + 4 * H);
    expect(marks.map((m) => [m.event.id, m.x1, m.x2])).toEqual([
      [1, T0, T0 + H],
      [3, T0 + 2 * H, null],
      [5, T0, T0 + 4 * H],
    ]);
    expect(marks[0]?.color).toBe('#dc2626');
    expect(marks[1]?.color).toBe('#16a34a');
    expect(eventMarks(events, 'cycle', 0, 100).map((m) => m.event.id)).toEqual([4]);
  });

  it('titles say kind, asset, when, how long, code and description', () => {
    expect(eventTitle(event({}))).toBe(
      'Failure · P-101 · 2024-03-05 12:00 → 2024-03-05 13:00 (1 h) UTC · BRG: bearing seized',
    );
    expect(
      eventTitle(event({ timeKind: 'cycle', start: 120, end: null, code: null, description: null, kind: 'note' })),
    ).toBe('Note · P-101 · cycle 120');
  });

  it('lists each asset of the picked signals once, in order', () => {
    expect(assetsOf([{ asset: 'B' }, { asset: 'A' }, { asset: 'B' }])).toEqual(['B', 'A']);
  });
});

describe('event form', () => {
  it('reads UTC times and cycles, rejects nonsense', () => {
    expect(parseTimeInput('2024-03-05 12:00', 'timestamp')).toBe(T0);
    expect(parseTimeInput('2024-03-05T12:00:00Z', 'timestamp')).toBe(T0);
    expect(parseTimeInput('2024-03-05T14:00:00+02:00', 'timestamp')).toBe(T0);
    expect(parseTimeInput('2024-03-05', 'timestamp')).toBe(Date.UTC(2024, 2, 5) * 1000);
    expect(parseTimeInput('2024-02-30', 'timestamp')).toBeNull();
    expect(parseTimeInput('yesterday', 'timestamp')).toBeNull();
    expect(parseTimeInput(' 120 ', 'cycle')).toBe(120);
    expect(parseTimeInput('abc', 'cycle')).toBeNull();
    expect(parseTimeInput(timeToInput(T0 + 1_000_000, 'timestamp'), 'timestamp')).toBe(T0 + 1_000_000);
  });

  it('turns a form into a saveEvent request, naming the bad field', () => {
    const form = {
      ...emptyEventForm('P-101', T0, 'timestamp'),
      end: '2024-03-05 13:00',
      code: ' BRG ',
      description: '',
    };
    expect(formToEdit(form, 'timestamp')).toEqual({
      ok: true,
      edit: { asset: 'P-101', kind: 'failure', start: T0, end: T0 + H, code: 'BRG', description: null },
    });
    expect(formToEdit({ ...form, end: '' }, 'timestamp')).toMatchObject({ ok: true, edit: { end: null } });
    expect(formToEdit({ ...form, end: '2024-03-05 11:00' }, 'timestamp')).toEqual({
      ok: false,
      error: 'End: before the start',
    });
    expect(formToEdit({ ...form, start: 'soon' }, 'timestamp')).toMatchObject({
      ok: false,
      error: expect.stringContaining('Start:'),
    });
    expect(formToEdit({ ...form, asset: ' ' }, 'timestamp')).toEqual({ ok: false, error: 'Asset: required' });
    const edit = formToEdit(eventToForm(event({ id: 7 })), 'timestamp');
    expect(edit).toMatchObject({ ok: true, edit: { id: 7, start: T0, end: T0 + H, code: 'BRG' } });
  });

  it('uses cycles for an asset whose signals all count cycles', () => {
    const signals = [
      { asset: 'engine 1', timeKind: 'cycle' as const },
      { asset: 'P-101', timeKind: 'timestamp' as const },
    ];
    expect(timeKindOfAsset('engine 1', signals)).toBe('cycle');
    expect(timeKindOfAsset('P-101', signals)).toBe('timestamp');
    expect(timeKindOfAsset('new', signals)).toBe('timestamp');
    expect(emptyEventForm('engine 1', 150, 'cycle').start).toBe('150');
  });
});
