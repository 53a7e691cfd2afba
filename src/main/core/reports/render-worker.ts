import { parentPort } from 'node:worker_threads';
import { renderReport, type RenderInput } from './render-report.js';

/** The report renderer's thread: one RenderInput in, one RenderOutput (or the error's message) out. */
parentPort?.on('message', (input: RenderInput) => {
  try {
    parentPort?.postMessage({ ok: true, output: renderReport(input) });
  } catch (error) {
    parentPort?.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) });
  }
});
