import { Worker } from 'node:worker_threads';

/**
 * A worker thread running the module `name` beside `callerUrl` (pass the caller's import.meta.url). Built code runs
 * dist/.../<name>.js directly. From TypeScript source (vitest, tsx) the worker is the .ts file: a one-line
 * bootstrap registers tsx's loader inside the new thread first (a worker does not inherit the parent's loader
 * hooks, and `--import tsx` in a worker's execArgv is not honoured on Node 20).
 */
export const spawnModuleWorker = (callerUrl: string, name: string): Worker => {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl));
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  const bootstrap = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true });
};

type ErrorReply = { readonly type: 'error'; readonly id: number; readonly message: string };

export interface WorkerRpc<Request, Reply> {
  /** The next request id. */
  readonly nextId: () => number;
  /** Send a request (its buffers in `transfer` move to the worker) and wait for the reply with its id. */
  readonly ask: (request: Request, transfer?: ArrayBuffer[]) => Promise<Reply>;
  readonly terminate: () => Promise<number>;
}

/**
 * Request/reply over a worker thread: replies are matched to requests by id, an 'error' reply rejects its request,
 * and a worker that fails or exits rejects every request still waiting (`what` names it in that message).
 */
export const workerRpc = <Request extends { readonly id: number }, Reply extends { readonly id: number }>(
  worker: Worker,
  what: string,
): WorkerRpc<Request, Exclude<Reply, ErrorReply>> => {
  type Answer = Exclude<Reply, ErrorReply>;
  let next = 0;
  const waiting = new Map<number, { resolve: (reply: Answer) => void; reject: (error: Error) => void }>();
  const failAll = (error: Error) => {
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  };
  worker.on('message', (reply: Reply) => {
    const w = waiting.get(reply.id);
    if (w === undefined) return;
    waiting.delete(reply.id);
    const failed = reply as unknown as Partial<ErrorReply>;
    if (failed.type === 'error') w.reject(new Error(failed.message));
    else w.resolve(reply as Answer);
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`${what} stopped (code ${code})`)));
  return {
    nextId: () => next++,
    ask: (request, transfer = []) =>
      new Promise<Answer>((resolve, reject) => {
        waiting.set(request.id, { resolve, reject });
        worker.postMessage(request, transfer);
      }),
    terminate: () => worker.terminate(),
  };
};
