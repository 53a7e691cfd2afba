// One measured dataset preparation, the way training prepares (see bench/prepare.ts): argv = workspace folder, training config as JSON.
import { recordingSource } from '../src/main/core/datasets/recorded-source.js';
import { prepareInWorker } from '../src/main/core/ml/worker-client.js';
import { parseTrainConfig } from '../src/main/core/runs/load-config.js';
import { Workspace } from '../src/main/core/workspace/workspace.js';
import { peakRssMiB } from './util.js';

const [folder = '', json = '{}'] = process.argv.slice(2);
const config = parseTrainConfig(JSON.parse(json));
const ws = await Workspace.open(folder);
try {
  const rssAfterOpenMiB = process.memoryUsage().rss / 1024 / 1024;
  const started = performance.now();
  // As training prepares: the SQL here, answering the worker's reads through the run's recorder; the windows in
  // the worker. Peak RSS is the process's (the worker thread's memory counts).
  const recorder = recordingSource(ws);
  const dataset = await prepareInWorker(
    {
      runId: 'bench',
      config,
      finalRul: null,
      appVersion: 'bench',
      createdBy: 'bench',
      createdAt: new Date().toISOString(),
    },
    recorder.source,
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(
    JSON.stringify({
      seconds: Number(seconds.toFixed(2)),
      rssAfterOpenMiB: Math.round(rssAfterOpenMiB),
      peakRssMiB: Math.round(peakRssMiB()),
      windows: dataset.train.n + dataset.validation.n + (dataset.evaluation?.n ?? 0),
      contentHash: dataset.contentHash,
    }),
  );
} finally {
  ws.close();
}
