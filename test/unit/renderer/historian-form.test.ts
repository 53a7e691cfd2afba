import { describe, expect, it } from 'vitest';
import type { OpcuaTagInfo } from '../../../src/shared/historian.js';
import { ApiError } from '../../../src/shared/api.js';
import {
  connectionFromProfile,
  connectRequest,
  describeSummary,
  emptyConnection,
  filterTags,
  importRange,
  needsTrust,
  toggleTag,
  toggleVisible,
} from '../../../src/renderer/logic/historian-form.js';

const tag = (asset: string, name: string, unit: string | null, historizing = true): OpcuaTagInfo => ({
  nodeId: `ns=1;s=${asset}.${name}`,
  name,
  asset,
  unit,
  low: null,
  high: null,
  historizing,
});
const TAGS = [
  tag('P-101', 'VibrationRMS', 'mm/s'),
  tag('P-101', 'BearingTemperature', '°C'),
  tag('P-102', 'VibrationRMS', 'mm/s'),
  tag('P-102', 'Setpoint', null, false),
];

describe('connection form', () => {
  it('builds the request: policy from the mode, password or saved profile, trust answer', () => {
    expect(connectRequest({ ...emptyConnection, endpoint: ' opc.tcp://plant:4840 ' })).toEqual({
      ok: true,
      request: { endpoint: 'opc.tcp://plant:4840', securityMode: 'None', securityPolicy: 'None' },
    });
    expect(
      connectRequest({ ...emptyConnection, security: 'SignAndEncrypt', userName: 'op', password: 'pw' }, 'once'),
    ).toEqual({
      ok: true,
      request: {
        endpoint: emptyConnection.endpoint,
        securityMode: 'SignAndEncrypt',
        securityPolicy: 'Basic256Sha256',
        userName: 'op',
        password: 'pw',
        trustServer: 'once',
      },
    });
    expect(connectRequest({ ...emptyConnection, userName: 'op' })).toEqual({
      ok: false,
      error: 'Password: required for user "op"',
    });
    expect(connectRequest({ ...emptyConnection, endpoint: 'http://plant' })).toMatchObject({ ok: false });
    const fromProfile = connectionFromProfile({
      kind: 'opcua',
      name: 'plant',
      endpoint: 'opc.tcp://plant:4840',
      securityMode: 'Sign',
      securityPolicy: 'Basic256Sha256',
      userName: 'op',
      hasPassword: true,
    });
    expect(connectRequest(fromProfile)).toEqual({
      ok: true,
      request: {
        endpoint: 'opc.tcp://plant:4840',
        securityMode: 'Sign',
        securityPolicy: 'Basic256Sha256',
        userName: 'op',
        profile: 'plant',
      },
    });
  });

  it('turns only an untrusted certificate into the trust prompt', () => {
    expect(needsTrust(new ApiError('untrusted-certificate', 'not trusted'))).toBe(true);
    expect(needsTrust(new ApiError('failed', 'refused'))).toBe(false);
    expect(needsTrust(new Error('x'))).toBe(false);
  });
});

describe('tag search and selection', () => {
  it('matches every word in asset, name, node id or unit; historizing only', () => {
    expect(filterTags(TAGS, '').map((t) => t.nodeId)).toHaveLength(3);
    expect(filterTags(TAGS, 'p-101 VIB').map((t) => t.nodeId)).toEqual(['ns=1;s=P-101.VibrationRMS']);
    expect(filterTags(TAGS, '°c').map((t) => t.name)).toEqual(['BearingTemperature']);
    expect(filterTags(TAGS, 'setpoint')).toEqual([]);
    expect(filterTags(TAGS, 'setpoint', false)).toHaveLength(1);
  });

  it('ticks all visible tags keeping others, and unticks them when all were ticked', () => {
    const visible = filterTags(TAGS, 'vibration');
    const start = new Set(['ns=1;s=P-101.BearingTemperature']);
    const all = toggleVisible(start, visible);
    expect([...all].sort()).toEqual([
      'ns=1;s=P-101.BearingTemperature',
      'ns=1;s=P-101.VibrationRMS',
      'ns=1;s=P-102.VibrationRMS',
    ]);
    expect([...toggleVisible(all, visible)]).toEqual(['ns=1;s=P-101.BearingTemperature']);
    expect([...toggleTag(new Set(), 'a')]).toEqual(['a']);
    expect([...toggleTag(new Set(['a']), 'a')]).toEqual([]);
  });
});

describe('import range', () => {
  it('look-back for late data in minutes: empty = the default, else ms; not a number = an error naming the field', () => {
    expect(importRange({ mode: 'update', from: '', to: '', lookBack: '' })).toEqual({ ok: true });
    expect(importRange({ mode: 'update', from: '', to: '', lookBack: '90' })).toEqual({
      ok: true,
      overlapMs: 5_400_000,
    });
    expect(importRange({ mode: 'range', from: '2025-01-01', to: '', lookBack: '0' })).toEqual({
      ok: true,
      from: Date.UTC(2025, 0, 1) * 1000,
      overlapMs: 0,
    });
    expect(importRange({ mode: 'update', from: '', to: '', lookBack: '-5' })).toEqual({
      ok: false,
      error: 'Look-back: minutes, from 0 to 43200 (30 days)',
    });
    expect(importRange({ mode: 'update', from: '', to: '', lookBack: 'an hour' })).toMatchObject({ ok: false });
  });

  it('from/to in µs (UTC), to empty = now, update mode = from checkpoints', () => {
    expect(importRange({ mode: 'range', from: '2025-01-01', to: '' })).toEqual({
      ok: true,
      from: Date.UTC(2025, 0, 1) * 1000,
    });
    expect(importRange({ mode: 'range', from: '2025-01-01', to: '2025-01-02 06:00' })).toEqual({
      ok: true,
      from: Date.UTC(2025, 0, 1) * 1000,
      to: Date.UTC(2025, 0, 2, 6) * 1000,
    });
    expect(importRange({ mode: 'range', from: '2025-01-02', to: '2025-01-01' })).toEqual({
      ok: false,
      error: 'To: must be after From',
    });
    expect(importRange({ mode: 'range', from: 'last week', to: '' })).toMatchObject({ ok: false });
    expect(importRange({ mode: 'update', from: 'ignored', to: '' })).toEqual({ ok: true });
  });

  it('from/to typed in the display zone: wall clock there, a skipped spring time refused with the reason', () => {
    expect(importRange({ mode: 'range', from: '2024-03-31 01:00', to: '2024-03-31 04:00' }, 'Europe/Berlin')).toEqual({
      ok: true,
      from: Date.UTC(2024, 2, 31, 0) * 1000,
      to: Date.UTC(2024, 2, 31, 2) * 1000,
    });
    expect(importRange({ mode: 'range', from: '2024-03-31 02:15', to: '' }, 'Europe/Berlin')).toEqual({
      ok: false,
      error:
        'From: expected YYYY-MM-DD[ HH:MM[:SS]] (Europe/Berlin): 2024-03-31 02:15:00 does not exist in Europe/Berlin (the clocks skip that hour)',
    });
  });

  it('summarises an import', () => {
    expect(
      describeSummary({
        values: 12345,
        duplicates: 1,
        tags: 2,
        resumed: true,
        requests: 3,
        seconds: 1.25,
        signalIds: [],
        perTag: [],
      }),
    ).toBe('12,345 values from 2 tags in 1.3 s, 1 already present; continued from the last import');
  });
});
