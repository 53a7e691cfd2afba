import { describe, expect, it } from 'vitest';
import { applyAlertAction, raiseAlert } from '../../../../src/shared/alert-lifecycle.js';
import { compareShadowAlerts } from '../../../../src/main/core/monitoring/shadow.js';
import type { Alert, DispositionInput } from '../../../../src/shared/monitoring.js';

const HOUR = 3600e6;
let n = 0;
const alert = (role: Alert['role'], asset: string, t: number, disposition: DispositionInput | null = null): Alert => {
  n += 1;
  let a = raiseAlert({
    id: `A-${n}`,
    deploymentId: role === 'champion' ? 'dep-1' : 'dep-2',
    asset,
    role,
    modelVersion: role === 'champion' ? 3 : 4,
    event: { kind: 'set', t, value: 1 },
    at: '2026-11-01T00:00:00Z',
  });
  if (disposition !== null) {
    a = applyAlertAction(a, { kind: 'acknowledge', by: 'tom', at: '2026-11-02T00:00:00Z' });
    a = applyAlertAction(a, { kind: 'close', by: 'tom', at: '2026-11-02T00:00:00Z', disposition });
  }
  return a;
};

describe('champion and challenger side by side', () => {
  it('pairs alerts per asset within the tolerance and reads the champion dispositions as evidence', () => {
    const champion = [
      alert('champion', 'P-101', 10 * HOUR, { kind: 'confirmed', failureMode: 'bearing' }),
      alert('champion', 'P-101', 50 * HOUR, { kind: 'false-alarm', cause: 'process-change' }),
      alert('champion', 'P-102', 5 * HOUR, { kind: 'confirmed', failureMode: 'seal' }),
    ];
    const challenger = [
      // 3 hours earlier than the confirmed P-101 alert.
      alert('challenger', 'P-101', 7 * HOUR),
      // Nothing near the false alarm at 50 h; an extra one at 80 h.
      alert('challenger', 'P-101', 80 * HOUR),
    ];
    expect(compareShadowAlerts(champion, challenger, 6 * HOUR)).toEqual([
      {
        asset: 'P-101',
        championAlerts: 2,
        challengerAlerts: 2,
        matched: 1,
        championOnly: 1,
        challengerOnly: 1,
        confirmedAlsoRaised: 1,
        confirmedMissed: 0,
        falseAlarmsSpared: 1,
        meanHeadStart: 3 * HOUR,
      },
      {
        asset: 'P-102',
        championAlerts: 1,
        challengerAlerts: 0,
        matched: 0,
        championOnly: 1,
        challengerOnly: 0,
        confirmedAlsoRaised: 0,
        confirmedMissed: 1,
        falseAlarmsSpared: 0,
        meanHeadStart: null,
      },
    ]);
    // A tighter tolerance pairs nothing.
    expect(compareShadowAlerts(champion, challenger, HOUR)[0]?.matched).toBe(0);
  });

  it('pairs each challenger alert at most once, with the nearest champion alert first come', () => {
    const champion = [alert('champion', 'P-1', 10 * HOUR), alert('champion', 'P-1', 12 * HOUR)];
    const challenger = [alert('challenger', 'P-1', 11.5 * HOUR)];
    const [row] = compareShadowAlerts(champion, challenger, 2 * HOUR);
    expect([row?.matched, row?.championOnly, row?.challengerOnly]).toEqual([1, 1, 0]);
  });
});
