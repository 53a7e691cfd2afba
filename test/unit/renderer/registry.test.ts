import { describe, expect, it } from 'vitest';
import {
  MODEL_NAME_PATTERN,
  RUN_ID_PATTERN,
  USER_NAME_PATTERN,
  VERSION_PATTERN,
} from '../../../src/main/core/registry/names.js';
import {
  parseRegistryLocation,
  REGISTRY_MODEL_NAME_PATTERN,
  REGISTRY_RUN_ID_PATTERN,
  REGISTRY_USER_NAME_PATTERN,
  REGISTRY_VERSION_PATTERN,
} from '../../../src/shared/registry.js';
import {
  actionsFor,
  checkConnectForm,
  checkModelNameInput,
  compareRows,
  confirmText,
  describeRefusal,
  EMPTY_CONNECT_FORM,
  formatMetric,
  metricKeys,
  toggleVersion,
} from '../../../src/renderer/logic/registry.js';

describe('shared registry rules', () => {
  it('repeat the registry core name rules exactly', () => {
    expect(REGISTRY_MODEL_NAME_PATTERN.source).toBe(MODEL_NAME_PATTERN.source);
    expect(REGISTRY_VERSION_PATTERN.source).toBe(VERSION_PATTERN.source);
    expect(REGISTRY_USER_NAME_PATTERN.source).toBe(USER_NAME_PATTERN.source);
    expect(REGISTRY_RUN_ID_PATTERN.source).toBe(RUN_ID_PATTERN.source);
  });

  it('parses locations: absolute folders, loopback http, https anywhere; nothing else', () => {
    expect(parseRegistryLocation('/mnt/share/models')).toEqual({
      ok: true,
      kind: 'folder',
      location: '/mnt/share/models',
    });
    expect(parseRegistryLocation('  C:\\models ')).toEqual({ ok: true, kind: 'folder', location: 'C:\\models' });
    expect(parseRegistryLocation('\\\\server\\share')).toMatchObject({ ok: true, kind: 'folder' });
    expect(parseRegistryLocation('http://127.0.0.1:8470/')).toEqual({
      ok: true,
      kind: 'server',
      location: 'http://127.0.0.1:8470',
    });
    expect(parseRegistryLocation('http://localhost:1')).toMatchObject({ ok: true, kind: 'server' });
    expect(parseRegistryLocation('https://registry.plant.example')).toEqual({
      ok: true,
      kind: 'server',
      location: 'https://registry.plant.example',
    });
    expect(parseRegistryLocation('http://10.1.2.3:8470')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/only to 127\.0\.0\.1/),
    });
    expect(parseRegistryLocation('http://a:b@127.0.0.1:1')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/token field/),
    });
    expect(parseRegistryLocation('http://127.0.0.1:1/v1/models')).toMatchObject({ ok: false });
    expect(parseRegistryLocation('http://127.0.0.1:1/?token=x')).toMatchObject({ ok: false });
    expect(parseRegistryLocation('file:///etc')).toMatchObject({ ok: false });
    expect(parseRegistryLocation('models')).toMatchObject({ ok: false, message: expect.stringMatching(/absolute/) });
    expect(parseRegistryLocation('')).toMatchObject({ ok: false });
  });
});

describe('registry view logic', () => {
  it('builds openRegistry arguments from the connect form; the token goes only to a server', () => {
    expect(checkConnectForm({ ...EMPTY_CONNECT_FORM, location: '/reg', token: 'pdm_leftover-token-xxxxxxxx' })).toEqual(
      { ok: true, input: { location: '/reg' } },
    );
    expect(checkConnectForm({ ...EMPTY_CONNECT_FORM, location: '/reg', actAs: ' bob ', create: true })).toEqual({
      ok: true,
      input: { location: '/reg', actAs: 'bob', create: true },
    });
    expect(checkConnectForm({ ...EMPTY_CONNECT_FORM, location: '/reg', actAs: 'b o b' })).toMatchObject({ ok: false });
    expect(checkConnectForm({ ...EMPTY_CONNECT_FORM, location: 'http://127.0.0.1:9' })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/token/),
    });
    expect(checkConnectForm({ ...EMPTY_CONNECT_FORM, location: 'http://127.0.0.1:9', token: 'short' })).toMatchObject({
      ok: false,
    });
    expect(
      checkConnectForm({
        ...EMPTY_CONNECT_FORM,
        location: 'http://127.0.0.1:9/',
        token: ' pdm_abcdefghijklmnopqrstuv ',
        actAs: 'bob',
      }),
    ).toEqual({
      ok: true,
      input: { location: 'http://127.0.0.1:9', token: 'pdm_abcdefghijklmnopqrstuv' },
    });
  });

  it('checks model names as the registry does', () => {
    expect(checkModelNameInput('pump-rul')).toBeNull();
    expect(checkModelNameInput('')).toMatch(/name/);
    expect(checkModelNameInput('Pump')).not.toBeNull();
    expect(checkModelNameInput('a..b')).not.toBeNull();
    expect(checkModelNameInput('../x')).not.toBeNull();
  });

  it('offers the actions the stage allows and hints at four-eyes', () => {
    const enabled = (
      stage: Parameters<typeof actionsFor>[0]['stage'],
      model = { production: null as number | null, rollbackTarget: null as number | null },
      version = 1,
    ) =>
      actionsFor({ version, stage, createdBy: 'alice', trainedBy: 'trainer' }, model, 'bob')
        .filter((a) => a.enabled)
        .map((a) => a.action);
    expect(enabled('candidate')).toEqual(['approve', 'reject', 'archive']);
    expect(enabled('approved')).toEqual(['reject', 'promote', 'archive']);
    expect(enabled('production', { production: 1, rollbackTarget: null })).toEqual([]);
    expect(enabled('production', { production: 2, rollbackTarget: 1 }, 2)).toEqual(['rollback']);
    expect(enabled('archived')).toEqual([]);
    expect(enabled('rejected')).toEqual(['archive']);
    const own = actionsFor(
      { version: 1, stage: 'candidate', createdBy: 'Alice', trainedBy: 't' },
      { production: null, rollbackTarget: null },
      'alice',
    );
    expect(own[0]).toMatchObject({
      action: 'approve',
      enabled: true,
      reasonRequired: true,
      hint: expect.stringMatching(/four-eyes/),
    });
    const trainer = actionsFor(
      { version: 1, stage: 'candidate', createdBy: 'x', trainedBy: 'trainer' },
      { production: null, rollbackTarget: null },
      'TRAINER',
    );
    expect(trainer[0]?.hint).toMatch(/four-eyes/);
    expect(own.find((a) => a.action === 'reject')?.reasonRequired).toBe(true);
    expect(own.find((a) => a.action === 'promote')?.reasonRequired).toBe(false);
  });

  it('words confirmations with what will happen', () => {
    expect(confirmText('promote', 'pump', 3, { production: 2, rollbackTarget: 1 })).toMatch(
      /Version 2 goes back to approved/,
    );
    expect(confirmText('promote', 'pump', 3, { production: null, rollbackTarget: null })).toBe(
      'Promote pump version 3 to production?',
    );
    expect(confirmText('rollback', 'pump', 3, { production: 3, rollbackTarget: 2 })).toMatch(
      /from version 3 back to version 2/,
    );
    expect(confirmText('approve', 'pump', 1, { production: null, rollbackTarget: null })).toMatch(
      /reason are recorded/,
    );
  });

  it('puts metrics side by side, key metrics first, best marked by direction', () => {
    const versions: { task: string; metrics: Record<string, number> }[] = [
      { task: 'rul', metrics: { rmse: 15.2, phm08: 410, zeta: 1 } },
      { task: 'rul', metrics: { rmse: 14.1, phm08: 430 } },
      { task: 'rul', metrics: { rmse: 16, phm08: 430, alpha: 2 } },
    ];
    expect(metricKeys(versions)).toEqual(['rmse', 'phm08', 'alpha', 'zeta']);
    const rows = compareRows(versions);
    expect(rows.find((r) => r.metric === 'rmse')).toEqual({ metric: 'rmse', values: [15.2, 14.1, 16], best: 1 });
    expect(rows.find((r) => r.metric === 'phm08')?.best).toBe(0);
    expect(rows.find((r) => r.metric === 'zeta')).toEqual({ metric: 'zeta', values: [1, null, null], best: null });
    const f1 = compareRows([
      { task: 'anomaly', metrics: { f1: 0.8, falseAlarmRate: 0.1 } },
      { task: 'anomaly', metrics: { f1: 0.9, falseAlarmRate: 0.1 } },
    ]);
    expect(f1.map((r) => [r.metric, r.best])).toEqual([
      ['f1', 1],
      ['falseAlarmRate', null],
    ]);
  });

  it('toggles compare selection in version order; formats metrics; names refusals', () => {
    expect(toggleVersion([3], 1)).toEqual([1, 3]);
    expect(toggleVersion([1, 3], 3)).toEqual([1]);
    expect(formatMetric(410.71)).toBe('410.7');
    expect(formatMetric(15.234)).toBe('15.23');
    expect(formatMetric(0.01234)).toBe('0.0123');
    expect(formatMetric(null)).toBe('—');
    expect(formatMetric(12)).toBe('12');
    expect(describeRefusal('forbidden', 'four-eyes rule: alice published ...').title).toMatch(/four-eyes/);
    expect(describeRefusal('forbidden', 'vera (viewer) may not publish').title).toBe('Not allowed');
    expect(describeRefusal('unauthorized', 'x').title).toMatch(/Not signed in/);
    expect(describeRefusal(null, 'x').title).toBe('The registry refused');
  });
});
