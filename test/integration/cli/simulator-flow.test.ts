import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlantModel, type Sample } from '../../../src/main/core/historians/simulator/plant-model.js';
import { tempDir } from '../registry/helpers.js';
import { repoRoot, requireBuild, startCli, type CliRun } from './run-cli.js';

/**
 * Issues 10 and 11 end to end, through bin/pdm-studio.js only, with real components: the plant simulator (a
 * node-opcua server with history) on an accelerated clock with injected faults, a DuckDB workspace, a registry
 * folder and Chromium for the PDFs. simulate -> import opcua + events -> train (PCA anomaly model, held-out
 * evaluation by a time split) -> publish -> approve and promote by a second user -> deploy -> monitor --follow
 * on the simulator's clock -> alerts -> the four reports as PDF, read back with pdftotext.
 *
 * The simulator's history ends at END (ahead of real time) and then runs SCALE times faster than real time: only
 * a client that takes the server's clock as "now" sees any of it (this machine's clock has none of it yet).
 */
const DAY = 86_400_000;
const HOUR = 3_600_000;
const END = Date.UTC(2030, 0, 1);
const DAYS = 21;
/** A seed whose pumps start healthy and, from END on, give: P-101 and P-102 degrading, P-103 healthy. */
const SEED = 1061;
const ASSETS = ['P-101', 'P-102', 'P-103'] as const;
/** Ninety simulated minutes per real second. */
const SCALE = 5400;
const TAGS = ['VibrationRMS', 'BearingTemperature', 'MotorCurrent', 'DischargePressure', 'Flow'] as const;
const DRIFTED = { asset: 'P-103', tag: 'BearingTemperature' } as const;
const REMOVED = { asset: 'P-101', tag: 'VibrationRMS' } as const;
// The clock runs from the simulator's start: the import below must be done before the tag goes away (40 real s).
const DRIFT_FROM = END + 6 * HOUR;
const REMOVED_FROM = END + 2.5 * DAY;
/** Follow until the simulator's "now" has passed this (whole drifted days, passes without the tag), or the deadline. */
const FOLLOW_UNTIL = END + 3.5 * DAY;
const FOLLOW_DEADLINE_MS = 120_000;
const US = 1000;

const run = promisify(execFile);
const iso = (ms: number) => new Date(ms).toISOString();
const nodeId = (asset: string, tag: string) => `ns=1;s=${asset}.${tag}`;

/** The seeded plant as the simulator builds it (no injection before END): ground truth for the assertions. */
const plant = new PlantModel({
  seed: SEED,
  assets: ASSETS.length,
  startMs: Math.ceil((END - DAYS * DAY) / 60_000) * 60_000,
  endMs: END,
  periodMs: 60_000,
});

/** Standard deviation of a tag's readings over the history before END (the drift is one of these). */
const historySd = (asset: string, tag: string): number => {
  const index = plant.tags.findIndex((t) => t.asset === asset && t.info.name === tag);
  const sample: Sample = { t: 0, value: null, status: 0 };
  let n = 0;
  let sum = 0;
  let squares = 0;
  for (let k = plant.firstIndex; k < END / 60_000; k++) {
    if (!plant.sample(index, k, sample) || sample.value === null) continue;
    n += 1;
    sum += sample.value;
    squares += sample.value * sample.value;
  }
  return Math.sqrt((squares - (sum * sum) / n) / (n - 1));
};

let root: string;
let ws: string;
let registry: string;
let simulator: ChildProcess | null = null;
let endpoint = '';
let deployment = '';
let modelVersion = 0;
const env = () => ({ PDM_STUDIO_HOME: join(root, 'home'), PDM_LOG_DIR: join(root, 'logs') });
const cli = (...args: string[]): Promise<CliRun> => startCli(args, env());
const ok = (result: CliRun): Record<string, unknown> => {
  expect(result.code, `${result.stderr}\n${result.stdout}`).toBe(0);
  expect(result.json).not.toBeNull();
  return result.json as Record<string, unknown>;
};

/** Start `pdm-studio <args>` as a long-running process; `onLine` sees each stdout line as it arrives. */
const spawnCli = (args: readonly string[], onLine: (line: string) => void): ChildProcess => {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'pdm-studio.js'), ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let pending = '';
  child.stdout?.on('data', (d: Buffer) => {
    pending += d.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') onLine(line);
  });
  return child;
};

const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((done) => child.once('exit', done));

interface Round {
  readonly round: number;
  readonly updated: { values: number; upTo?: string; warnings?: string[] } | null;
  readonly blocked: { asset: string; violations: { signal: string; code: string; message: string }[] }[];
  readonly drift: { signals: { asset: string; signal: string | null; from: number; to: number; readings: number }[] };
  readonly alerts: { opened: string[] };
}
const rounds: Round[] = [];

beforeAll(async () => {
  requireBuild();
  root = await tempDir('pdm-sim-flow-');
  ws = join(root, 'ws');
  registry = join(root, 'models');
  await mkdir(join(root, 'home'), { recursive: true });
}, 60_000);

afterAll(async () => {
  if (simulator !== null && simulator.exitCode === null) {
    simulator.kill('SIGTERM');
    await exited(simulator);
  }
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

describe('the plant simulator end to end through the CLI: monitoring on an accelerated clock, then reports', () => {
  it('simulate (seeded, time-scaled, a drift and a removed tag after the training period), import, train, publish, approve, promote', async () => {
    const sd = historySd(DRIFTED.asset, DRIFTED.tag);
    expect(END).toBeGreaterThan(Date.now() + 30 * DAY);
    const started = new Promise<Record<string, unknown>>((resolve, reject) => {
      simulator = spawnCli(
        [
          'simulate',
          '--port',
          '0',
          '--assets',
          String(ASSETS.length),
          '--days',
          String(DAYS),
          '--seed',
          String(SEED),
          '--end',
          iso(END),
          '--time-scale',
          String(SCALE),
          '--inject',
          `drift:${DRIFTED.asset}.${DRIFTED.tag}:offset=${sd.toFixed(3)}@${iso(DRIFT_FROM)}`,
          '--inject',
          `remove:${REMOVED.asset}.${REMOVED.tag}@${iso(REMOVED_FROM)}`,
          '--work-orders',
          join(root, 'work-orders.csv'),
          '--pki-dir',
          join(root, 'sim-pki'),
          '--json',
        ],
        (line) => resolve(JSON.parse(line) as Record<string, unknown>),
      );
      simulator.once('exit', (code) => reject(new Error(`simulate exited with ${code}`)));
    });
    const info = await started;
    endpoint = String(info['endpoint']);
    expect(info).toMatchObject({ assets: 3, tags: 18, injections: 2 });

    const tags = ASSETS.flatMap((asset) => TAGS.map((tag) => nodeId(asset, tag))).join(',');
    // No --to: "now" is the simulator's clock (END and beyond), not this machine's.
    const imported = ok(
      await cli(
        'import',
        'opcua',
        '--workspace',
        ws,
        '--endpoint',
        endpoint,
        '--tags',
        tags,
        '--from',
        iso(END - DAYS * DAY),
        '--save-profile',
        'plant',
        '--json',
      ),
    );
    expect(imported['tags']).toBe(15);
    expect(imported['clock']).toBe('server');
    // 21 days of minutes on 15 tags, less the simulator's sensor dropouts.
    expect(imported['values']).toBeGreaterThan(15 * DAYS * 1440 * 0.9);
    const events = ok(await cli('import', 'events', '--workspace', ws, join(root, 'work-orders.csv'), '--json'));
    expect(events['events']).toBeGreaterThan(0);

    // The README's model (docs/examples/simulator-pumps-pca.json): PCA T²/Q anomaly model (plain TypeScript:
    // seconds). Normal: the first 5 days of each life; abnormal: the 3 days before a failure work order. Held out:
    // the last 30% of each pump's history (split by time). Here it trains on the history up to END only (the
    // import went on to the simulator's "now", past END, where the faults are).
    const example = JSON.parse(
      await readFile(join(repoRoot, 'docs', 'examples', 'simulator-pumps-pca.json'), 'utf8'),
    ) as { dataset: Record<string, unknown> };
    expect(example.dataset).toMatchObject({ assets: { names: [...ASSETS] }, signals: [...TAGS] });
    const config = join(root, 'pumps-pca.json');
    await writeFile(config, JSON.stringify({ ...example, dataset: { ...example.dataset, to: END * US } }));
    const trained = ok(await cli('train', '--workspace', ws, '--config', config, '--json'));
    const runId = String(trained['run']);
    expect(trained['metricsOn']).toBe('held-out evaluation');

    ok(await cli('registry', 'init', '--registry', registry, '--allow-as', '--json'));
    const published = ok(
      await cli('publish', '--workspace', ws, '--run', runId, '--registry', registry, '--name', 'pump-pca', '--json'),
    );
    modelVersion = Number(published['version']);
    expect(modelVersion).toBe(1);
    // The author cannot approve; a second person can.
    const self = await cli(
      'registry',
      'approve',
      '--registry',
      registry,
      '--name',
      'pump-pca',
      '--version',
      '1',
      '--reason',
      'mine',
      '--json',
    );
    expect(self.code).not.toBe(0);
    ok(
      await cli(
        'registry',
        'approve',
        '--registry',
        registry,
        '--name',
        'pump-pca',
        '--version',
        '1',
        '--reason',
        'held-out figures checked',
        '--as',
        'bob',
        '--json',
      ),
    );
    ok(
      await cli(
        'registry',
        'promote',
        '--registry',
        registry,
        '--name',
        'pump-pca',
        '--version',
        '1',
        '--as',
        'bob',
        '--json',
      ),
    );
  }, 300_000);

  it('deploy, then monitor --follow on the simulator clock until it is days past the faults', async () => {
    const created = ok(
      await cli(
        'deploy',
        'create',
        '--workspace',
        ws,
        '--registry',
        registry,
        '--name',
        'pump-pca',
        '--assets',
        ASSETS.join(','),
        '--json',
      ),
    );
    deployment = String(created['id']);
    expect(created['unmapped']).toEqual([]);
    // The alert rule the app proposes for an anomaly model: the run's own threshold on its validation windows
    // (after its persistence rule), 3 of 5 windows, clearing 10% below.
    const shown = ok(
      await cli('registry', 'show', '--registry', registry, '--name', 'pump-pca', '--version', '1', '--json'),
    );
    const threshold = (shown['manifest'] as { thresholds: Record<string, number> }).thresholds['score'];
    expect(threshold).toBeGreaterThan(0);
    ok(
      await cli(
        'deploy',
        'set-rule',
        '--workspace',
        ws,
        '--deployment',
        deployment,
        '--direction',
        'above',
        '--set',
        String(threshold),
        '--clear',
        String(0.9 * threshold!),
        '--k',
        '3',
        '--n',
        '5',
        '--json',
      ),
    );

    const tags = ASSETS.flatMap((asset) => TAGS.map((tag) => nodeId(asset, tag))).join(',');
    const simulatedNow = () => {
      const last = rounds.at(-1)?.updated?.upTo;
      return last === undefined ? -Infinity : Date.parse(last);
    };
    const enough = () =>
      simulatedNow() >= FOLLOW_UNTIL &&
      rounds.some((r) => Date.parse(r.updated?.upTo ?? '') > REMOVED_FROM && r.blocked.length > 0);
    let stderr = '';
    let stopping = false;
    const monitor = spawnCli(
      [
        'monitor',
        '--workspace',
        ws,
        '--deployment',
        deployment,
        '--follow',
        '--interval',
        '1',
        '--opcua-profile',
        'plant',
        '--tags',
        tags,
        '--json',
      ],
      (line) => {
        const parsed = JSON.parse(line) as Partial<Round>;
        if (typeof parsed.round === 'number') rounds.push(parsed as Round);
        if (enough() && !stopping) {
          stopping = true;
          monitor.kill('SIGINT');
        }
      },
    );
    monitor.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const deadline = setTimeout(() => {
      if (!stopping) monitor.kill('SIGINT');
      stopping = true;
    }, FOLLOW_DEADLINE_MS);
    const code = await exited(monitor);
    clearTimeout(deadline);
    expect(code, stderr).toBe(0);
    // Each pass fetched up to the simulator's clock, far ahead of this machine's, and it advanced between passes.
    expect(rounds.length, stderr).toBeGreaterThanOrEqual(2);
    expect(simulatedNow()).toBeGreaterThanOrEqual(FOLLOW_UNTIL);
    expect(rounds[0]!.updated!.values).toBeGreaterThan(0);
    const upTo = rounds.map((r) => Date.parse(r.updated?.upTo ?? ''));
    expect(upTo.every((t, i) => i === 0 || t > (upTo[i - 1] as number))).toBe(true);
  }, 240_000);

  it('an alert opens before a simulated failure, while that pump degrades', async () => {
    const listed = ok(await cli('alerts', '--workspace', ws, '--deployment', deployment, '--json'));
    const alerts = listed['alerts'] as { id: string; asset: string; raisedT: number }[];
    expect(alerts.length).toBeGreaterThan(0);
    const ahead = alerts.flatMap((a) => {
      const t = a.raisedT / US;
      const life = plant
        .livesOf(ASSETS.indexOf(a.asset as (typeof ASSETS)[number]))
        .find((l) => l.onset <= t && t < l.failure);
      return life === undefined ? [] : [{ ...a, failure: life.failure, leadDays: (life.failure - t) / DAY }];
    });
    expect(ahead.length, JSON.stringify(alerts.map((a) => [a.id, a.asset, iso(a.raisedT / US)]))).toBeGreaterThan(0);
    // At least one of them on data the follow loop fetched (after the training history ended).
    expect(ahead.some((a) => a.raisedT / US >= END)).toBe(true);
  }, 60_000);

  it('the pump whose tag was removed is blocked, naming the signal; the update goes on for the other tags', () => {
    const after = rounds.filter((r) => Date.parse(r.updated?.upTo ?? '') > REMOVED_FROM);
    const blocked = after.flatMap((r) => r.blocked);
    expect(blocked.length).toBeGreaterThan(0);
    expect(new Set(blocked.map((b) => b.asset))).toEqual(new Set([REMOVED.asset]));
    expect(blocked.flatMap((b) => b.violations.map((v) => v.signal))).toContain(REMOVED.tag);
    expect(blocked[0]!.violations.find((v) => v.signal === REMOVED.tag)?.message).toContain(REMOVED.tag);
    // The historian update skipped the removed tag with a warning instead of failing every pass.
    const warned = after.flatMap((r) => r.updated?.warnings ?? []);
    expect(warned.some((w) => w.includes(nodeId(REMOVED.asset, REMOVED.tag)))).toBe(true);
    expect(after.some((r) => (r.updated?.values ?? 0) > 0)).toBe(true);
  });

  it("drift is flagged on the drifted signal, and not on the pump's other signals", () => {
    const findings = rounds.flatMap((r) => r.drift.signals);
    const onDrifted = findings.filter((f) => f.asset === DRIFTED.asset && f.to * 1 > DRIFT_FROM * US);
    expect(onDrifted.filter((f) => f.signal === DRIFTED.tag).length).toBeGreaterThan(0);
    const others = onDrifted.filter((f) => f.signal !== null && f.signal !== DRIFTED.tag);
    expect(others.map((f) => `${f.signal} ${iso(f.from / US)}..${iso(f.to / US)} (${f.readings} readings)`)).toEqual(
      [],
    );
  });

  it('the four reports as PDF name the pumps, the alert counts the workspace holds and the model version', async () => {
    const listed = ok(await cli('alerts', '--workspace', ws, '--deployment', deployment, '--json'));
    const alerts = listed['alerts'] as { asset: string }[];
    const text: Record<string, string> = {};
    for (const kind of ['fleet', 'alerts', 'model', 'value'] as const) {
      const out = join(root, `${kind}.pdf`);
      const made = ok(
        await cli(
          'report',
          kind,
          '--workspace',
          ws,
          ...(kind === 'model' ? ['--deployment', deployment] : []),
          '--format',
          'pdf',
          '--out',
          out,
          '--json',
        ),
      );
      expect(made['pages']).toBeGreaterThan(0);
      text[kind] = (await run('pdftotext', ['-layout', out, '-'])).stdout;
    }
    for (const asset of ASSETS) expect(text['fleet']).toContain(asset);
    // The alert report's headline and funnel count the alerts raised; the worst assets table has each pump's count.
    expect(text['alerts']).toContain(`${alerts.length} alerts raised`);
    expect(text['alerts']).toMatch(new RegExp(`raised\\s+${alerts.length}\\b`));
    for (const asset of new Set(alerts.map((a) => a.asset))) {
      const count = alerts.filter((a) => a.asset === asset).length;
      expect(text['alerts']).toMatch(new RegExp(`${asset}\\s+${count}\\b`));
    }
    expect(text['model']).toContain(`Model report: pump-pca version ${modelVersion}`);
    expect(text['model']).toContain(`dep-1 (pump-pca on 3 assets)`);
    // The value report prints its formula beside the figure.
    expect(text['value']).toMatch(/avoided cost = Σ over counted alerts/);
  }, 240_000);
});
