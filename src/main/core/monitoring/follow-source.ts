import { ApiError, type ApiInput, type ApiMethodName, type ApiOutput } from '../../../shared/api.js';
import type { JobState } from '../../../shared/domain.js';
import type { FollowSource } from '../../../shared/monitoring.js';
import type { HistorianUpdate } from './follow.js';

/**
 * "Update to now" for follow mode, through the same API calls a user would make: the import job of the saved
 * connection (OPC UA or PostgreSQL), continued from each tag's or query's checkpoint so nothing is fetched twice.
 * The CLI passes its API client, the app core its own dispatch: one code path for both.
 */
export interface FollowApi {
  readonly call: <M extends ApiMethodName>(method: M, input: ApiInput<M>) => Promise<ApiOutput<M>>;
  /** Resolves with the job once it is no longer running. */
  readonly waitJob: (jobId: string) => Promise<JobState>;
}

const finished = (job: JobState, what: string): JobState => {
  switch (job.status) {
    case 'done':
      return job;
    case 'cancelled':
      throw new ApiError('cancelled', `${what} was cancelled`);
    case 'failed':
    case 'running':
      throw new ApiError('failed', `${what} failed: ${job.error ?? job.message}`);
  }
};

export const updateFromSource = async (api: FollowApi, source: FollowSource): Promise<HistorianUpdate> => {
  switch (source.kind) {
    case 'opcua': {
      const profile = (await api.call('listConnectionProfiles', {})).find((p) => p.name === source.profile);
      if (profile === undefined) {
        throw new ApiError('not-found', `no saved connection "${source.profile}" in this workspace`);
      }
      if (profile.kind !== 'opcua') {
        throw new ApiError('invalid-argument', `connection "${source.profile}" is not an OPC UA connection`);
      }
      const { jobId } = await api.call('startOpcuaImport', {
        endpoint: profile.endpoint,
        securityMode: profile.securityMode,
        securityPolicy: profile.securityPolicy,
        ...(profile.userName === null ? {} : { userName: profile.userName }),
        profile: profile.name,
        tags: [...source.tags],
      });
      // No `to`: the import updates to the server's own clock (ServerStatus/CurrentTime), so a historian whose
      // time runs ahead of ours (the simulator's --time-scale) is followed; failing that, to ours, with a warning.
      const job = finished(await api.waitJob(jobId), `fetching from ${profile.endpoint}`);
      const toMs = job.opcua?.toMs;
      const warnings = job.opcua?.warnings ?? [];
      return {
        values: job.opcua?.values ?? 0,
        duplicates: job.opcua?.duplicates ?? 0,
        ...(toMs === null || toMs === undefined ? {} : { upTo: new Date(toMs).toISOString() }),
        ...(warnings.length === 0 ? {} : { warnings }),
      };
    }
    case 'postgres': {
      // Without `from`, the import continues from the checkpoint of the last import of the same query; with it,
      // only the parts of [from, now] not imported yet are fetched.
      const { jobId } = await api.call('startSqlImport', {
        url: source.url,
        query: source.query,
        layout: source.layout,
        ...(source.profile === undefined ? {} : { profile: source.profile }),
        ...(source.password === undefined ? {} : { password: source.password }),
        ...(source.asset === undefined ? {} : { asset: source.asset }),
        ...(source.from === undefined ? {} : { from: source.from }),
      });
      const job = finished(await api.waitJob(jobId), `fetching from ${source.url.replace(/\/\/[^@/]*@/, '//')}`);
      return { values: job.sql?.values ?? 0, duplicates: job.sql?.duplicates ?? 0 };
    }
  }
};
