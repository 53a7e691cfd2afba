import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiEvent } from '../../shared/api.js';
import { errorMessage } from '../logic/errors.js';
import { applyJobEvent, applyJobState, idleJob, jobStarted, startingJob, type JobView } from '../logic/job-tracker.js';
import { useApiEvents, useServices } from './services.js';

export const JOB_POLL_MS = 1000;

export interface Job {
  readonly view: JobView;
  /** Start a job with the given call (startImport, startOpcuaImport, ...) and follow it. */
  readonly launch: (start: () => Promise<{ jobId: string }>) => Promise<void>;
  readonly cancel: () => Promise<void>;
  readonly reset: () => void;
}

/**
 * A job followed through 'job-progress' / 'job-finished' events, with a slow getJob poll as a safety net
 * (events can arrive before the start call answers, or get lost).
 */
export const useJob = (): Job => {
  const { api } = useServices();
  const [view, setView] = useState<JobView>(idleJob);
  const starting = useRef(false);
  const early = useRef<ApiEvent[]>([]);

  useApiEvents((event) => {
    if (event.type !== 'job-progress' && event.type !== 'job-finished') return;
    if (starting.current) {
      early.current.push(event);
      if (early.current.length > 500) early.current.shift();
      return;
    }
    setView((v) => applyJobEvent(v, event));
  });

  const launch = useCallback(async (start: () => Promise<{ jobId: string }>) => {
    starting.current = true;
    early.current = [];
    setView(startingJob);
    try {
      const { jobId } = await start();
      setView(jobStarted(jobId, early.current));
    } catch (error) {
      setView({ ...idleJob, status: 'failed', error: errorMessage(error) });
      throw error;
    } finally {
      starting.current = false;
      early.current = [];
    }
  }, []);

  const jobId = view.jobId;
  const running = view.status === 'running';
  useEffect(() => {
    if (!running || jobId === null) return;
    const timer = setInterval(() => {
      api.getJob({ jobId }).then(
        (job) => setView((v) => applyJobState(v, job)),
        () => undefined,
      );
    }, JOB_POLL_MS);
    return () => clearInterval(timer);
  }, [api, jobId, running]);

  const cancel = useCallback(async () => {
    if (jobId === null) return;
    setView((v) => (v.jobId === jobId && v.status === 'running' ? { ...v, message: 'cancelling…' } : v));
    try {
      await api.cancelJob({ jobId });
    } catch (error) {
      setView((v) => ({ ...v, error: errorMessage(error) }));
    }
  }, [api, jobId]);

  const reset = useCallback(() => setView(idleJob), []);
  return { view, launch, cancel, reset };
};
