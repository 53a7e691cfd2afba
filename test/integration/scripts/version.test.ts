import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/serve.js';

/** `pdm-studio --version` in a checkout (after `npm run build`): version, commit from git, build date, unsigned. */
describe('pdm-studio --version', () => {
  const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [join(repoRoot, 'bin', 'pdm-studio.js'), ...args], { cwd: repoRoot, encoding: 'utf8' });

  it('prints version, commit, build date and that a checkout build is unsigned', () => {
    const result = run('--version');
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe(`PdM Studio ${version}`);
    expect(lines[1]).toMatch(new RegExp(`^commit ${commit.slice(0, 12)}( \\(with uncommitted changes\\))?$`));
    expect(lines[2]).toMatch(/^built \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(lines[3]).toBe('UNSIGNED build (development checkout, not a packaged build)');
  });

  it('answers one JSON object with --json', () => {
    const result = run('-V', '--json');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '')).toMatchObject({
      name: 'pdm-studio',
      version,
      commit,
      signed: false,
      source: 'checkout',
    });
  });
});
