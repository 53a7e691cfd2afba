import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browseTags } from '../../../src/main/core/historians/opcua/browse.js';
import { connectOpcua } from '../../../src/main/core/historians/opcua/connection.js';

const run = promisify(execFile);
const CLI = ['--import', 'tsx', 'src/main/cli/main.ts'];
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pdm-sim-cli-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const env = () => ({ ...process.env, PDM_STUDIO_HOME: join(root, 'home') });

describe('pdm-studio simulate --inject / --injections / --time-scale', () => {
  it('serves the injected faults: removed tag gone, renamed tag and unit change visible in browse', async () => {
    const file = join(root, 'injections.json');
    await writeFile(
      file,
      JSON.stringify([{ kind: 'unit', tag: 'P-101.BearingTemperature', from: '2024-12-30T00:00Z', unit: 'degF' }]),
    );
    const child = spawn(
      process.execPath,
      [
        ...CLI,
        'simulate',
        '--port',
        '0',
        '--assets',
        '1',
        '--days',
        '3',
        '--end',
        '2025-01-01T00:00Z',
        '--inject',
        'remove:P-101.Speed@2024-12-31T00:00Z',
        '--inject',
        'rename:P-101.Flow:to=FlowPV@2024-12-31T00:00Z',
        '--injections',
        file,
        '--time-scale',
        '60',
        '--pki-dir',
        join(root, 'pki'),
        '--json',
      ],
      { env: env(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`simulate exited with ${code}`)));
      });
      const info = JSON.parse(line) as { endpoint: string; tags: number; injections: number; to: string };
      expect(info).toMatchObject({ tags: 5, injections: 3, to: 'growing 60x faster than real time' });
      const c = await connectOpcua({
        endpoint: info.endpoint,
        securityMode: 'None',
        securityPolicy: 'None',
        userDataDir: join(root, 'user-data'),
      });
      try {
        const tags = await browseTags(c.session);
        expect(tags.map((t) => t.name).sort()).toEqual(
          ['BearingTemperature', 'DischargePressure', 'FlowPV', 'MotorCurrent', 'VibrationRMS'].sort(),
        );
        expect(tags.find((t) => t.name === 'BearingTemperature')?.unit).toBe('°F');
      } finally {
        await c.close();
      }
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('a bad injection is refused with the item, field or tag named', async () => {
    const failing = (args: readonly string[]) =>
      run(process.execPath, [...CLI, 'simulate', '--port', '0', '--pki-dir', join(root, 'pki'), ...args], {
        env: env(),
      }).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
      );
    const noTime = await failing(['--inject', 'remove:P-101.Speed']);
    expect(noTime.code).toBe(2);
    expect(noTime.stderr).toMatch(/--inject remove:P-101.Speed: add the start time/);
    const noTag = await failing(['--inject', 'drift:P-999.Flow:offset=1@2026-01-10T00:00Z']);
    expect(noTag.code).toBe(2);
    expect(noTag.stderr).toMatch(/injection 1 \(drift P-999.Flow\): no tag P-999.Flow/);
    const file = join(root, 'bad.json');
    await writeFile(file, JSON.stringify([{ kind: 'period', tag: 'P-101.Flow', from: '2026-01-10T00:00Z' }]));
    const badFile = await failing(['--injections', file]);
    expect(badFile.code).toBe(2);
    expect(badFile.stderr).toMatch(/injection 1, field "periodS"/);
    const badScale = await failing(['--time-scale', '0']);
    expect(badScale.code).toBe(2);
    expect(badScale.stderr).toMatch(/--time-scale: must be above 0/);
  });
});
