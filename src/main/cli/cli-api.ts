import { resolve } from 'node:path';
import { ApiError, type ApiInput, type ApiMethodName, type ApiOutput } from '../../shared/api.js';
import type { JobState } from '../../shared/domain.js';
import { createAppCore, type AppCore } from '../core/app/app-core.js';
import { dispatch } from '../core/app/dispatch.js';
import { defaultUserDataDir } from '../core/app/user-data.js';
import { processLog } from '../core/log/logger.js';

/**
 * The CLI's way into the core: the same API handlers the app uses (createAppCore + dispatch, arguments
 * validated by the contract's schemas), as `gh` is a client of the same API as the web UI. A command is a
 * thin caller of one flow; what it prints with --json is the API's result.
 */
export interface CliApi {
  readonly call: <M extends ApiMethodName>(method: M, input: ApiInput<M>) => Promise<ApiOutput<M>>;
  /** Open the workspace at `dir` (relative to the current folder); `mustExist`: refuse to create one. */
  readonly openWorkspace: (dir: string | undefined, options: { mustExist: boolean }) => Promise<string>;
  /** Wait for a job started through the API: progress on stderr, Ctrl-C cancels it; resolves when it is done. */
  readonly followJob: (jobId: string, options: { json: boolean }) => Promise<JobState>;
  readonly dispose: () => Promise<void>;
}

const progressLine = (fraction: number | null, message: string) =>
  `${fraction === null ? '' : `${Math.round(fraction * 100)}% `}${message}`;

export const createCliApi = async (): Promise<CliApi> => {
  // The CLI's own log (PDM_LOG_DIR or userData/logs, installed by cli-log.ts) stays the process log.
  const core: AppCore = await createAppCore({ userDataDir: defaultUserDataDir(), shell: 'cli', log: processLog() });

  const call = async <M extends ApiMethodName>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>> => {
    const outcome = await dispatch(core.handlers, method, input);
    if (!outcome.ok) throw new ApiError(outcome.error.code, outcome.error.message);
    return outcome.result as ApiOutput<M>;
  };

  const openWorkspace = async (dir: string | undefined, { mustExist }: { mustExist: boolean }) => {
    if (dir === undefined) throw new ApiError('invalid-argument', '--workspace <dir> is required');
    const info = await call('openWorkspace', { path: resolve(dir), mustExist });
    return info.path;
  };

  const followJob = async (jobId: string, { json }: { json: boolean }): Promise<JobState> => {
    // For people the progress line rewrites itself; for scripts (--json) each report is its own stderr line.
    let lastLine = '';
    let wrote = false;
    const unsubscribe = core.onEvent((event) => {
      if (event.type === 'job-progress' && event.jobId === jobId) {
        const line = progressLine(event.fraction, event.message);
        if (json) {
          if (line !== lastLine) process.stderr.write(`${line}\n`);
        } else process.stderr.write(`\r${line.padEnd(lastLine.length)}`);
        lastLine = line;
        wrote = true;
      } else if (event.type === 'training-progress' && event.jobId === jobId) {
        const line = `epoch ${event.epoch}/${event.epochs} loss ${event.loss?.toFixed(5) ?? '-'} val_loss ${event.valLoss?.toFixed(5) ?? '-'}`;
        process.stderr.write(json ? `${line}\n` : `\r${line.padEnd(lastLine.length)}`);
        lastLine = line;
        wrote = true;
      }
    });
    let interrupts = 0;
    const onSigint = () => {
      interrupts += 1;
      if (interrupts > 1) process.exit(130);
      process.stderr.write('\ncancelling (Ctrl-C again to quit at once)...\n');
      void call('cancelJob', { jobId }).catch(() => undefined);
    };
    process.on('SIGINT', onSigint);
    try {
      for (;;) {
        const job = await call('getJob', { jobId });
        if (job.status !== 'running') {
          if (wrote && !json) process.stderr.write('\n');
          if (job.status === 'failed') throw new ApiError('failed', job.error ?? 'the job failed');
          if (job.status === 'cancelled') throw new ApiError('cancelled', 'cancelled: nothing of this job was kept');
          return job;
        }
        await new Promise((done) => setTimeout(done, 100));
      }
    } finally {
      process.off('SIGINT', onSigint);
      unsubscribe();
    }
  };

  return { call, openWorkspace, followJob, dispose: () => core.dispose() };
};
