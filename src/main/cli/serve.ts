import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultUserDataDir } from '../core/app/user-data.js';
import { startCoreHost } from '../core-host/host-client.js';
import { forkCoreHost } from '../core-host/fork-host.js';
import { log } from '../core/log/logger.js';
import { reopenLastWorkspace, type ReopenOutcome } from '../core/app/reopen-workspace.js';
import { startWebServer } from '../web/server.js';

const here = dirname(fileURLToPath(import.meta.url));

/** The built renderer: dist/renderer, whether this runs from dist/ or from src/ through tsx. */
export const findRendererDir = (): string => {
  // From dist/main/cli the build sits at dist/renderer; from src/main/cli (tsx) at ../../../dist/renderer.
  // src/renderer has an index.html too, but unbuilt: a built one has its assets/ folder beside it.
  const candidates = [join(here, '..', '..', 'renderer'), join(here, '..', '..', '..', 'dist', 'renderer')];
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'assets')));
  if (found === undefined) throw new Error('the renderer is not built: run "npm run build" first');
  return found;
};

export interface ServeOptions {
  readonly workspace: string | undefined;
  readonly port: number | undefined;
  readonly host: string | undefined;
}

const reportReopen = (outcome: ReopenOutcome): void => {
  switch (outcome.kind) {
    case 'none':
      return;
    case 'reopened':
      process.stdout.write(`Reopened the last workspace ${outcome.path} (--workspace opens another)\n`);
      return;
    case 'gone':
      process.stdout.write(`Last workspace not reopened: ${outcome.message}\n`);
      return;
    case 'failed':
      process.stderr.write(`Could not reopen the last workspace: ${outcome.message}\n`);
      return;
  }
};

/** Browser mode: serve the app on 127.0.0.1 until interrupted. */
export const serveCommand = async (options: ServeOptions): Promise<void> => {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    throw new Error(`--host ${host}: browser mode only listens on the loopback interface (127.0.0.1)`);
  }
  // One process model with the desktop app: the core runs in a host process, so a long import's SQL and row
  // materialisation never hold up this process's HTTP answers and event stream.
  const core = await startCoreHost({
    spawn: forkCoreHost(),
    userDataDir: defaultUserDataDir(),
    shell: 'web',
    workspace: options.workspace === undefined ? undefined : resolve(options.workspace),
    onCrash: (message) => process.stderr.write(`${message}\n`),
    log: (level, message) => {
      log[level]('web', message);
      if (level !== 'info') process.stderr.write(`${message}\n`);
    },
  });
  // As the desktop app does: without --workspace, the workspace open when browser mode last stopped comes back.
  if (options.workspace === undefined) reportReopen(await reopenLastWorkspace(core.handlers));
  const server = await startWebServer({ core, staticDir: findRendererDir(), host, port: options.port ?? 0 });
  process.stdout.write(`PdM Studio (browser mode) at ${server.url}\n`);
  const stop = async () => {
    await server.close();
    await core.dispose();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
};
