import { describe, expect, it } from 'vitest';
import type { WorkspaceEvent } from '../../../src/shared/historian.js';
import {
  assetsOf,
  emptyEventForm,
  eventMarks,
  eventTitle,
  eventToForm,
  formToEdit,
  readTimeInput,
  timeKindOfAsset,
  timeToInput,
} from '../../../src/renderer/logic/events.js';
import { parseTimeText } from '../../../src/shared/time/time-rule.js';

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
    const value = (text: string, kind: 'timestamp' | 'cycle' = 'timestamp') => {
      const r = readTimeInput(text, kind);
      return r.ok ? r.value : null;
    };
    expect(value('2024-03-05 12:00')).toBe(T0);
    expect(value('2024-03-05T12:00:00Z')).toBe(T0);
    expect(value('2024-03-05T14:00:00+02:00')).toBe(T0);
    expect(value('2024-03-05')).toBe(Date.UTC(2024, 2, 5) * 1000);
    expect(value('2024-02-30')).toBeNull();
    expect(value('yesterday')).toBeNull();
    expect(value(' 120 ', 'cycle')).toBe(120);
    expect(value('abc', 'cycle')).toBeNull();
    expect(value(timeToInput(T0 + 1_000_000, 'timestamp'))).toBe(T0 + 1_000_000);
  });

  it('reads typed times by the one time rule, as the CLI does (same instant, same refusals)', () => {
    for (const text of ['2024-03-31 02:30', '2024-10-27 02:30', '2024-03-05T14:00:00+02:00', '05.03.2024 12:00']) {
      for (const zone of ['UTC', 'Europe/Berlin']) {
        const cli = parseTimeText(text, zone);
        expect(readTimeInput(text, 'timestamp', zone)).toEqual(
          cli.ok ? { ok: true, value: cli.micros } : { ok: false, reason: cli.reason },
        );
      }
    }
    // Offsets beyond ±18:00 were accepted by the old renderer parser; the rule refuses them.
    expect(readTimeInput('2024-03-05T12:00:00+25:00', 'timestamp')).toMatchObject({ ok: false });
  });

  it('in a plant zone: a naive time is wall clock there; the skipped spring hour is refused with the reason', () => {
    const berlin = 'Europe/Berlin';
    expect(readTimeInput('2024-03-31 01:30', 'timestamp', berlin)).toEqual({
      ok: true,
      value: Date.UTC(2024, 2, 31, 0, 30) * 1000,
    });
    expect(readTimeInput('2024-03-31 03:30', 'timestamp', berlin)).toEqual({
      ok: true,
      value: Date.UTC(2024, 2, 31, 1, 30) * 1000,
    });
    expect(readTimeInput('2024-03-31 02:30', 'timestamp', berlin)).toEqual({
      ok: false,
      reason: '2024-03-31 02:30:00 does not exist in Europe/Berlin (the clocks skip that hour)',
    });
    const form = { ...emptyEventForm('P-101', null, 'timestamp', berlin), start: '2024-03-31 02:30' };
    expect(formToEdit(form, 'timestamp', berlin)).toEqual({
      ok: false,
      error:
        'Start: expected YYYY-MM-DD HH:MM[:SS] (Europe/Berlin) (2024-03-31 02:30:00 does not exist in Europe/Berlin (the clocks skip that hour))',
    });
    // The form shows the event in the zone and reads it back to the same instant, both sides of the change.
    for (const start of [Date.UTC(2024, 2, 31, 0, 30) * 1000, Date.UTC(2024, 2, 31, 1, 30) * 1000]) {
      const round = formToEdit(eventToForm(event({ start, end: null }), berlin), 'timestamp', berlin);
      expect(round).toMatchObject({ ok: true, edit: { start } });
    }
    expect(eventToForm(event({ start: Date.UTC(2024, 2, 31, 1, 30) * 1000, end: null }), berlin).start).toBe(
      '2024-03-31 03:30:00',
    );
    expect(eventTitle(event({ start: Date.UTC(2024, 2, 31, 1, 30) * 1000, end: null }), berlin)).toContain(
      '2024-03-31 03:30 Europe/Berlin',
    );
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
