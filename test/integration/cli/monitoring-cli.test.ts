import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../../src/main/core/workspace/workspace.js';
import { engines, requireCmapss } from '../ml/helpers.js';
import { tempDir } from '../registry/helpers.js';
import { DAY_MS, END_MS, startSimulator } from '../historians/opcua-helpers.js';
import { requireBuild, startCli, type CliRun } from './run-cli.js';
import { promotedFd001Package } from '../monitoring/promoted-package.js';
import { openRegistry } from '../../../src/main/core/registry/open-registry.js';
import { PG_PASSWORD, startPostgres } from '../historians/postgres-server.js';

/**
 * The monitoring commands of bin/pdm-studio.js (issue 10 §6) against a real workspace and a real folder registry
 * holding a trained, published, approved and promoted C-MAPSS model.
 */
let root: string;
let ws: string;
let reg: string;
let runFolder: string;
const [E9, E10] = engines(9, 10) as [string, string];
const cli = (...args: string[]): Promise<CliRun> => startCli(args, { PDM_STUDIO_HOME: join(root, 'home') });

beforeAll(async () => {
  requireBuild();
  requireCmapss();
  root = await tempDir('pdm-mon-cli-');
  ws = join(root, 'ws');
  const workspace = await Workspace.open(ws);
  try {
    ({ registry: reg, runFolder } = await promotedFd001Package(workspace, root, {
      name: 'monitoring cli',
      evaluateOn: engines(9, 10),
    }));
  } finally {
    // The CLI processes open the workspace themselves: DuckDB allows one writer process.
    workspace.close();
  }
}, 300_000);

afterAll(async () => {
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

describe('pdm-studio deploy, score, monitor and alerts', () => {
  let id = '';

  it('deploy create proposes the mapping, takes --map overrides and names what is left unmapped', async () => {
    const all = await cli('deploy', 'create', '--workspace', ws, '--registry', reg, '--name', 'fd001-rul', '--json');
    // Without --assets: every asset of the workspace (train_FD001 has 100 engines).
    expect(all.code, all.stderr).toBe(0);
    expect(all.json?.['assets']).toHaveLength(100);
    const wrongStage = await cli(
      'deploy',
      'create',
      '--workspace',
      ws,
      '--registry',
      reg,
      '--name',
      'fd001-rul',
      '--stage',
      'staging',
      '--json',
    );
    expect(wrongStage.code).toBe(2);
    expect(wrongStage.json).toMatchObject({ error: { message: expect.stringMatching(/--stage must be production/) } });
    const run = await cli(
      'deploy',
      'create',
      '--workspace',
      ws,
      '--registry',
      reg,
      '--name',
      'fd001-rul',
      '--assets',
      `${E9},${E10}`,
      '--map',
      'sensor_7=',
      '--title',
      'two engines',
      '--json',
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.json).toMatchObject({
      name: 'two engines',
      currentVersion: 1,
      assets: [E9, E10],
      unmapped: [
        { asset: E9, signal: 'sensor_7' },
        { asset: E10, signal: 'sensor_7' },
      ],
    });
    id = String(run.json?.['id']);
    const list = await cli('deploy', 'list', '--workspace', ws, '--json');
    expect((list.json?.['deployments'] as { id: string }[]).map((d) => d.id)).toContain(id);
    const show = await cli('deploy', 'show', '--workspace', ws, '--deployment', id);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`unmapped (blocks scoring): ${E9}: sensor_7; ${E10}: sensor_7`);
    const missing = await cli('deploy', 'show', '--workspace', ws, '--deployment', 'dep-99', '--json');
    expect(missing.code).toBe(1);
    expect(missing.json).toMatchObject({ error: { code: 'not-found' } });
  }, 60_000);

  it('score blocks every asset whose contract signal is unmapped, naming it; a mapped deployment scores', async () => {
    const blocked = await cli('score', '--workspace', ws, '--deployment', id, '--json');
    expect(blocked.code, blocked.stderr).toBe(0);
    expect(blocked.json).toMatchObject({ scored: 0, windows: 0 });
    expect((blocked.json?.['blocked'] as { asset: string }[]).map((b) => b.asset)).toEqual([E9, E10]);
    expect(blocked.stdout).toContain('sensor_7');

    const created = await cli(
      'deploy',
      'create',
      '--workspace',
      ws,
      '--registry',
      reg,
      '--name',
      'fd001-rul',
      '--assets',
      E9,
      '--json',
    );
    id = String(created.json?.['id']);
    const rule = await cli(
      'deploy',
      'set-rule',
      '--workspace',
      ws,
      '--deployment',
      id,
      '--direction',
      'below',
      '--set',
      '1000000',
      '--k',
      '2',
      '--n',
      '3',
      '--json',
    );
    expect(rule.code, rule.stderr).toBe(0);
    expect(rule.json).toMatchObject({ rule: { direction: 'below', setLevel: 1e6, k: 2, n: 3 } });
    const badRule = await cli(
      'deploy',
      'set-rule',
      '--workspace',
      ws,
      '--deployment',
      id,
      '--direction',
      'below',
      '--set',
      '5',
      '--k',
      '4',
      '--n',
      '3',
      '--json',
    );
    expect(badRule.code).toBe(2);
    expect(badRule.json).toMatchObject({ error: { message: expect.stringMatching(/k must not exceed n/) } });

    const scored = await cli('score', '--workspace', ws, '--deployment', id, '--json');
    expect(scored.code, scored.stderr).toBe(0);
    expect(scored.json).toMatchObject({ scored: 1, blocked: [], modelVersion: 1, alerts: { cleared: [] } });
    expect(Object.keys(scored.json ?? {})).toEqual(
      expect.arrayContaining(['scored', 'windows', 'blocked', 'violations', 'alerts', 'drift']),
    );
    expect(scored.json?.['windows']).toBeGreaterThan(150);
    expect((scored.json?.['alerts'] as { opened: string[] }).opened).toHaveLength(1);
  }, 60_000);

  it('monitor --follow repeats "since the last score" every interval and stops after --rounds or on Ctrl-C', async () => {
    const two = await cli(
      'monitor',
      '--workspace',
      ws,
      '--deployment',
      id,
      '--follow',
      '--interval',
      '0.2',
      '--rounds',
      '2',
      '--json',
    );
    expect(two.code, two.stderr).toBe(0);
    const lines = two.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.slice(0, 2).map((l) => [l['round'], l['windows'], l['upToDate']])).toEqual([
      [1, 0, [E9]],
      [2, 0, [E9]],
    ]);
    expect(lines.at(-1)).toMatchObject({ rounds: 2, windows: 0, stopped: 'rounds done' });
    expect((await cli('monitor', '--workspace', ws, '--deployment', id)).code).toBe(2);

    let interrupted = false;
    const followed = await startCli(
      ['monitor', '--workspace', ws, '--deployment', id, '--follow', '--interval', '30'],
      { PDM_STUDIO_HOME: join(root, 'home') },
      (stderr, child) => {
        // The first pass reports "scored" when it ends; Ctrl-C then stops the wait for the next one.
        if (!interrupted && /scored/.test(stderr)) {
          interrupted = true;
          child.kill('SIGINT');
        }
      },
    );
    expect(interrupted).toBe(true);
    expect(followed.code, followed.stderr).toBe(0);
    expect(followed.stdout).toMatch(/monitor stopped \(interrupted\) after 1 pass\(es\), 0 failed/);
  }, 60_000);

  it('monitor --follow survives the registry going away: says so, backs off, and the exit status tells', async () => {
    const away = `${reg}-away`;
    await rename(reg, away);
    try {
      const run = await cli(
        'monitor',
        '--workspace',
        ws,
        '--deployment',
        id,
        '--follow',
        '--interval',
        '0.1',
        '--rounds',
        '3',
        '--json',
      );
      expect(run.code).toBe(1);
      const failures = run.stderr.split('\n').filter((l) => l.includes('scoring pass failed'));
      expect(failures).toHaveLength(3);
      // Backing off: 1, 2, then 4 intervals.
      expect(failures.map((l) => /trying again in ([\d.]+) s/.exec(l)?.[1])).toEqual(['0.1', '0.2', '0.4']);
      expect(failures[0]).toContain(reg);
      expect(run.json).toMatchObject({ rounds: 3, failures: 3, windows: 0 });
    } finally {
      await rename(away, reg);
    }
    const back = await cli('monitor', '--workspace', ws, '--deployment', id, '--follow', '--rounds', '1', '--json');
    expect(back.code, back.stderr).toBe(0);
    expect(back.json).toMatchObject({ rounds: 1, failures: 0 });
  }, 60_000);

  it('monitor --follow with --opcua-profile first updates to now from the OPC UA historian, then scores', async () => {
    const sim = await startSimulator(root, { assets: 1, days: 2 });
    try {
      const tag = sim.tags[0]!.nodeId;
      const bare = await cli('monitor', '--workspace', ws, '--deployment', id, '--follow', '--opcua-profile', 'plant');
      expect(bare.code).toBe(2);
      expect(bare.stderr).toMatch(/--opcua-profile and --tags go together/);
      // One day imported by hand, saving the connection as a profile; monitor fetches the rest.
      const first = await cli(
        'import',
        'opcua',
        '--workspace',
        ws,
        '--endpoint',
        sim.endpointUrl,
        '--tags',
        tag,
        '--from',
        new Date(END_MS - 2 * DAY_MS).toISOString(),
        '--to',
        new Date(END_MS - DAY_MS).toISOString(),
        '--save-profile',
        'plant',
        '--json',
      );
      expect(first.code, first.stderr).toBe(0);
      const run = await cli(
        'monitor',
        '--workspace',
        ws,
        '--deployment',
        id,
        '--follow',
        '--interval',
        '0.1',
        '--rounds',
        '2',
        '--opcua-profile',
        'plant',
        '--tags',
        tag,
        '--json',
      );
      expect(run.code, run.stderr).toBe(0);
      const lines = run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const updated = lines.slice(0, 2).map((l) => l['updated'] as { values: number; duplicates: number });
      // The second day arrives in the first pass; the second pass stores nothing new (the checkpoint's own reading,
      // read again at the boundary, is a duplicate and not stored twice).
      expect(updated[0]!.values).toBeGreaterThan(1000);
      expect(updated[1]!.values).toBe(0);
      expect(updated[1]!.duplicates).toBeLessThanOrEqual(1);
      expect(lines.at(-1)).toMatchObject({ rounds: 2, failures: 0 });
    } finally {
      await sim.stop();
    }
  }, 90_000);

  it('alerts list, ack, shelve and close with a mandatory disposition', async () => {
    const list = await cli('alerts', '--workspace', ws, '--deployment', id, '--status', 'open', '--json');
    const [alert] = list.json?.['alerts'] as { id: string; asset: string }[];
    expect(alert).toMatchObject({ asset: E9 });
    const ack = await cli('alerts', 'ack', '--workspace', ws, '--alert', alert!.id, '--note', 'on it', '--json');
    expect(ack.json).toMatchObject({ status: 'acknowledged', acknowledged: { note: 'on it' } });
    const noEnd = await cli('alerts', 'shelve', '--workspace', ws, '--alert', alert!.id, '--reason', 'crew', '--json');
    expect(noEnd.code).toBe(2);
    const shelved = await cli(
      'alerts',
      'shelve',
      '--workspace',
      ws,
      '--alert',
      alert!.id,
      '--reason',
      'crew on site',
      '--hours',
      '2',
      '--json',
    );
    expect(shelved.json).toMatchObject({ shelf: { reason: 'crew on site' } });
    const noDisposition = await cli('alerts', 'close', '--workspace', ws, '--alert', alert!.id, '--json');
    expect(noDisposition.code).toBe(2);
    expect(noDisposition.json).toMatchObject({ error: { message: expect.stringMatching(/--disposition/) } });
    const noMode = await cli(
      'alerts',
      'close',
      '--workspace',
      ws,
      '--alert',
      alert!.id,
      '--disposition',
      'confirmed',
      '--json',
    );
    expect(noMode.code).toBe(2);
    expect(noMode.json).toMatchObject({ error: { message: expect.stringMatching(/failure-mode/) } });
    const closed = await cli(
      'alerts',
      'close',
      '--workspace',
      ws,
      '--alert',
      alert!.id,
      '--disposition',
      'confirmed',
      '--failure-mode',
      'HPC degradation',
      '--json',
    );
    expect(closed.code, closed.stderr).toBe(0);
    expect(closed.json).toMatchObject({
      status: 'closed',
      closed: { disposition: { kind: 'confirmed', failureMode: 'HPC degradation' } },
    });
    const again = await cli(
      'alerts',
      'close',
      '--workspace',
      ws,
      '--alert',
      alert!.id,
      '--disposition',
      'not-actionable',
      '--json',
    );
    expect(again.code).toBe(1);
    expect(again.json).toMatchObject({ error: { code: 'conflict' } });
  }, 60_000);

  it('deploy set-challenger shadows the champion with another version; deploy compare shows what would have happened', async () => {
    await (await openRegistry(reg)).publish({ runDir: runFolder, name: 'fd001-rul', idempotencyKey: 'cli-challenger' });
    await (
      await openRegistry(reg, { as: 'bob' })
    ).govern('approve', { name: 'fd001-rul', version: 2, reason: 'shadow' });
    const noVersion = await cli('deploy', 'set-challenger', '--workspace', ws, '--deployment', id, '--json');
    expect(noVersion.code).toBe(2);
    const made = await cli(
      'deploy',
      'set-challenger',
      '--workspace',
      ws,
      '--deployment',
      id,
      '--version',
      '2',
      '--json',
    );
    expect(made.code, made.stderr).toBe(0);
    expect(made.json).toMatchObject({ role: 'challenger', championId: id, currentVersion: 2, assets: [E9] });
    const challenger = made.json?.['id'] as string;
    const scored = await cli('score', '--workspace', ws, '--deployment', id, '--from', '0', '--to', '1000', '--json');
    expect(scored.code, scored.stderr).toBe(0);
    const shadows = scored.json?.['challengers'] as { deployment: string; windows: number; error: string | null }[];
    expect(shadows).toEqual([expect.objectContaining({ deployment: challenger, error: null })]);
    expect(shadows[0]!.windows).toBe(scored.json?.['windows']);
    const compared = await cli('deploy', 'compare', '--workspace', ws, '--deployment', challenger, '--json');
    expect(compared.code, compared.stderr).toBe(0);
    // The champion's one alert was closed as confirmed above.
    expect(compared.json).toMatchObject({
      champion: { deployment: id, confirmed: 1 },
      challenger: { deployment: challenger, modelVersion: 2 },
      tolerance: 10,
    });
    // The challenger's alerts stay out of the technicians' list unless asked for.
    const listed = await cli('alerts', '--workspace', ws, '--json');
    expect((listed.json?.['alerts'] as { role: string }[]).every((a) => a.role === 'champion')).toBe(true);
    const theirs = await cli('alerts', '--workspace', ws, '--role', 'challenger', '--json');
    expect((theirs.json?.['alerts'] as { deploymentId: string }[]).map((a) => a.deploymentId)).toContain(challenger);
    const text = await cli('deploy', 'compare', '--workspace', ws, '--deployment', challenger);
    expect(text.stdout).toMatch(/champion .* alert\(s\) raised; confirmed 1/);
    const notChallenger = await cli('deploy', 'compare', '--workspace', ws, '--deployment', id, '--json');
    expect(notChallenger.code).toBe(2);
    expect(notChallenger.json).toMatchObject({ error: { message: expect.stringMatching(/not a challenger/) } });
  }, 120_000);

  it('monitor --follow with --sql-url first updates to now from a PostgreSQL historian, then scores', async () => {
    const pg = await startPostgres();
    try {
      const t0 = Date.now() - 2 * 3600_000;
      await pg.psql(`CREATE TABLE points (ts timestamptz, tag text, value double precision);
        INSERT INTO points SELECT to_timestamp((${t0} + i * 60000) / 1000.0), 'PT-1', i FROM generate_series(0, 59) i`);
      const queryFile = join(root, 'points.sql');
      await writeFile(queryFile, 'SELECT ts AS time, tag, value FROM points WHERE ts >= $1 AND ts < $2');
      const passwordFile = join(root, 'pg-password');
      await writeFile(passwordFile, PG_PASSWORD);
      const run = await cli(
        'monitor',
        '--workspace',
        ws,
        '--deployment',
        id,
        '--follow',
        '--interval',
        '0.1',
        '--rounds',
        '2',
        '--sql-url',
        pg.url,
        '--sql-query',
        queryFile,
        '--password-file',
        passwordFile,
        '--asset',
        'pg-unit',
        '--sql-from',
        new Date(t0 - 60_000).toISOString(),
        '--json',
      );
      expect(run.code, run.stderr).toBe(0);
      const lines = run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const updated = lines.slice(0, 2).map((l) => l['updated'] as { values: number });
      // The hour of rows arrives in the first pass; the second finds nothing new (continued from the checkpoint).
      expect(updated.map((u) => u.values)).toEqual([60, 0]);
      expect(lines.at(-1)).toMatchObject({ rounds: 2, failures: 0 });
      const both = await cli(
        'monitor',
        '--workspace',
        ws,
        '--deployment',
        id,
        '--follow',
        '--sql-url',
        pg.url,
        '--opcua-profile',
        'plant',
        '--tags',
        'x',
      );
      expect(both.code).toBe(2);
      expect(both.stderr).toMatch(/one historian per follow/);
    } finally {
      await pg.stop();
    }
  }, 120_000);
});
