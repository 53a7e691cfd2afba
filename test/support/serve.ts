import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface ServedApp {
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly process: ChildProcess;
  readonly stop: () => Promise<void>;
  readonly call: <T>(method: string, args?: unknown) => Promise<T>;
}

/**
 * Start browser mode exactly as a user would (`pdm-studio serve`, or `launcher`, e.g. `npm start`'s script) and read
 * the URL it prints.
 */
export const serveApp = async (
  home: string,
  extraArgs: readonly string[] = [],
  launcher: readonly string[] = ['bin/pdm-studio.js', 'serve'],
): Promise<ServedApp & { readonly stdout: () => string }> => {
  let out = '';
  const child = spawn(process.execPath, [...launcher, ...extraArgs], {
    cwd: repoRoot,
    env: { ...process.env, PDM_STUDIO_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 30_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(out);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${String(code)}: ${stderr}`)));
  });
  const parsed = new URL(url);
  const token = parsed.hash.replace('#token=', '');
  const origin = parsed.origin;
  return {
    stdout: () => out,
    url,
    origin,
    token,
    process: child,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
    call: async <T>(method: string, args: unknown = {}) => {
      const response = await fetch(`${origin}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-pdm-token': token },
        body: JSON.stringify(args),
      });
      const body = (await response.json()) as { ok: boolean; result?: T; error?: { message: string } };
      if (!body.ok) throw new Error(body.error?.message ?? 'failed');
      return body.result as T;
    },
  };
};
