import type { DatasetSource } from '../datasets/prepare.js';

/*
 * The workspace seen from the training worker. The worker never opens DuckDB (one process owns the workspace
 * file): each read is a message to the main thread, which runs the SQL there (grid, averaging and fill in DuckDB,
 * columns read into typed arrays) and answers with the arrays. Everything after the reads (gap policy, labels,
 * normalisation, windows) runs in the worker, off the main event loop.
 */

export type SourceCall =
  | { readonly method: 'signals' }
  | { readonly method: 'gridSeries'; readonly request: Parameters<DatasetSource['gridSeries']>[0] }
  | { readonly method: 'events'; readonly assets: readonly string[] };

/** Worker side: a DatasetSource whose calls go out through `send` and come back through `answer`. */
export const remoteSource = (
  send: (id: number, call: SourceCall) => void,
  checkCancelled: () => void,
  onCall: (call: SourceCall) => void = () => undefined,
): { readonly source: DatasetSource; answer(id: number, ok: boolean, value: unknown): void } => {
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 0;
  const call = <T>(c: SourceCall): Promise<T> => {
    checkCancelled();
    onCall(c);
    const id = (next += 1);
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      send(id, c);
    }).then((value) => {
      checkCancelled();
      return value;
    });
  };
  return {
    source: {
      signals: () => call({ method: 'signals' }),
      gridSeries: (request) => call({ method: 'gridSeries', request }),
      events: (assets) => call({ method: 'events', assets }),
    },
    answer: (id, ok, value) => {
      const waiting = pending.get(id);
      if (waiting === undefined) return;
      pending.delete(id);
      if (ok) waiting.resolve(value);
      else waiting.reject(new Error(String(value)));
    },
  };
};

/** Main side: answer one call from `source` (the workspace, through the run's recorder). */
export const answerSourceCall = (source: DatasetSource, call: SourceCall): Promise<unknown> => {
  switch (call.method) {
    case 'signals':
      return source.signals();
    case 'gridSeries':
      return source.gridSeries(call.request);
    case 'events':
      return source.events(call.assets);
  }
};
