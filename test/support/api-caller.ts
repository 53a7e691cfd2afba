import type { AppCore } from '../../src/main/core/app/app-core.js';
import { dispatch } from '../../src/main/core/app/dispatch.js';
import type { ApiMethodName, ApiOutput } from '../../src/shared/api.js';
import type { JobState } from '../../src/shared/domain.js';

/**
 * Call an app core through dispatch, as both transports do (arguments validated by the contract's schemas);
 * a refusal rejects with an Error carrying the API error `code`. `core` is read at call time, so a test can
 * create it in beforeAll.
 */
export const apiCaller = (core: () => AppCore) => {
  const call = async <M extends ApiMethodName>(method: M, input: unknown): Promise<ApiOutput<M>> => {
    const result = await dispatch(core().handlers, method, input);
    if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code });
    return result.result as ApiOutput<M>;
  };
  /** Poll a job until it is no longer running. */
  const settle = async (jobId: string): Promise<JobState> => {
    for (;;) {
      const job = await call('getJob', { jobId });
      if (job.status !== 'running') return job;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { call, settle };
};
