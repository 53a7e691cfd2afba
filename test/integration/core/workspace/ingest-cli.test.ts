import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostile } from '../../../fixtures/hostile/corpus.js';
import { openTempWorkspace, type TempWorkspace } from './helpers.js';

/** `pdm-studio ingest` as a user runs it: the last stdout line is one JSON object, on success and on failure. */

let tw: TempWorkspace;
beforeEach(async () => {
  tw = await openTempWorkspace();
  // The CLI opens the workspace itself.
  tw.ws.close();
});
afterEach(async () => {
  await tw.close();
});

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const cli = (args: readonly string[]): Promise<Run> =>
  new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/main/cli/main.ts', ...args],
      { timeout: 60_000 },
      (error, stdout, stderr) => done({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
    );
  });

const lastLine = (text: string): unknown => JSON.parse(text.trimEnd().split('\n').at(-1) ?? '');

describe('pdm-studio ingest --json', () => {
  it('a file that cannot be imported: {"error":{"code","message"}} as the last stdout line, message in words, exit 1', async () => {
    const f = hostile.mixedLineEndings();
    const path = await tw.file(f.name, f.content);
    const run = await cli(['ingest', path, '--workspace', join(tw.root, 'cli-ws'), '--json']);
    expect(run.code).toBe(1);
    expect(lastLine(run.stdout)).toEqual({
      error: {
        code: 'failed',
        message: `${path}: lines end in a mix of CRLF and LF: line 1 ends with CRLF, line 3 with LF; save the file with one kind of line ending`,
      },
    });
    expect(run.stderr).not.toMatch(/strict_mode|Error:/);
  });

  it('a named pipe is refused at once, in JSON', async () => {
    const path = join(tw.root, 'data', 'pipe.csv');
    execFileSync('mkfifo', [path]);
    const run = await cli(['ingest', path, '--workspace', join(tw.root, 'cli-ws'), '--json']);
    expect(run.code).toBe(1);
    expect(lastLine(run.stdout)).toMatchObject({
      error: { code: 'failed', message: expect.stringContaining('is a named pipe') },
    });
  });

  it('a wrong command line (unknown zone) is code invalid-argument, exit 2', async () => {
    const path = await tw.file('a.csv', 'tag,time,value\nT,2024-01-01T00:00:00,1\n');
    const run = await cli([
      'ingest',
      path,
      '--workspace',
      join(tw.root, 'cli-ws'),
      '--time-zone',
      'Mars/Base',
      '--json',
    ]);
    expect(run.code).toBe(2);
    expect(lastLine(run.stdout)).toEqual({
      error: {
        code: 'invalid-argument',
        message: 'ingest: --time-zone: unknown time zone "Mars/Base": use an IANA name such as Europe/Berlin or UTC',
      },
    });
  });

  it('planner warnings reach the output: in the JSON summary, and on stderr without --json', async () => {
    const f = hostile.ambiguousDayMonth();
    const path = await tw.file(f.name, f.content);
    const json = await cli(['ingest', path, '--workspace', join(tw.root, 'cli-ws'), '--json']);
    expect(json.code).toBe(0);
    expect(lastLine(json.stdout)).toMatchObject({
      values: 9,
      warnings: [expect.stringContaining('day/month order is ambiguous')],
    });
    const other = await tw.file('other.csv', f.content.toString().replace('time,A', 'time,B'));
    const text = await cli(['ingest', other, '--workspace', join(tw.root, 'cli-ws')]);
    expect(text.code).toBe(0);
    expect(text.stderr).toMatch(/warning: .*other\.csv: time column "time": day\/month order is ambiguous/);
  });
});
