#!/usr/bin/env node
// `npm start [-- args]`: the desktop app when Electron's binary is installed, otherwise browser mode
// (`pdm-studio serve` with the same args, e.g. `npm start -- --workspace /data/ws --port 5173`).
// PDM_STUDIO_BROWSER=1 forces browser mode. Builds first when dist/ is incomplete.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chooseLaunch, electronPackageDir } from './electron-binary.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

const BUILD_OUTPUTS = [
  'dist/main/electron/main.js',
  'dist/main/electron/preload.cjs',
  'dist/main/cli/main.js',
  'dist/renderer/index.html',
];

const buildIfMissing = () => {
  const missing = BUILD_OUTPUTS.filter((file) => !existsSync(join(root, file)));
  if (missing.length === 0) return;
  process.stdout.write(`Building first (missing ${missing[0]}).\n`);
  const npmCli = process.env['npm_execpath'];
  const result =
    npmCli !== undefined && npmCli.endsWith('.js')
      ? spawnSync(process.execPath, [npmCli, 'run', 'build'], { cwd: root, stdio: 'inherit' })
      : spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], {
          cwd: root,
          stdio: 'inherit',
          shell: process.platform === 'win32',
        });
  if (result.status !== 0) {
    process.stderr.write('start: the build failed\n');
    process.exit(result.status ?? 1);
  }
};

/** Run a child with inherited stdio; pass Ctrl+C and termination through, exit with its status. */
const runChild = (command, childArgs, env = process.env) => {
  const child = spawn(command, childArgs, { cwd: root, stdio: 'inherit', env });
  const forward = (signal) => () => {
    if (child.exitCode === null) child.kill(signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward(signal));
  child.on('error', (error) => {
    process.stderr.write(`start: could not run ${command}: ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 0 : 1)));
};

buildIfMissing();
const launch = chooseLaunch({ packageDir: electronPackageDir(root) });
if (launch.mode === 'electron') {
  const env = { ...process.env };
  delete env['ELECTRON_RUN_AS_NODE'];
  runChild(launch.path, [root, ...args], env);
} else {
  process.stdout.write(`${launch.notice}\n`);
  runChild(process.execPath, [join(root, 'bin', 'pdm-studio.js'), 'serve', ...args]);
}
