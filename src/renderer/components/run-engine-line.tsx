import { RunEngineSchema } from '../../shared/training-engine.js';

/** Where a run trained, on which backend and GPU adapter, and why: the probe's figures on demand. */
export function RunEngineLine({ artifact }: { artifact: Record<string, unknown> | null }) {
  const parsed = RunEngineSchema.safeParse(artifact?.['engine']);
  if (!parsed.success) return null;
  const engine = parsed.data;
  const where = engine.place === 'renderer' ? 'the app window' : "the app core's worker";
  return (
    <div className="small muted" data-testid="run-engine" data-place={engine.place} data-backend={engine.backend}>
      Trained in {where} on <strong>{engine.backend}</strong>
      {engine.adapter !== null ? ` (${engine.adapter})` : ''}: {engine.reason}
      {engine.probes.length > 0 ? (
        <details>
          <summary>Backend probe</summary>
          <table className="small" data-testid="run-engine-probes">
            <thead>
              <tr>
                <th>Backend</th>
                <th>Result</th>
                <th>Gradient error vs cpu</th>
                <th>ms / step</th>
              </tr>
            </thead>
            <tbody>
              {engine.probes.map((p) => (
                <tr key={p.backend} title={p.detail}>
                  <td>{p.backend}</td>
                  <td>{p.status === 'passed' || p.status === 'reference' ? p.status : `${p.status}: ${p.detail}`}</td>
                  <td>{p.maxRelativeError ?? '–'}</td>
                  <td>{p.msPerStep === null ? '–' : p.msPerStep.toFixed(1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </div>
  );
}
