import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../../../src/shared/api.js';
import { decodeTypedJson, encodeTypedJson } from '../../../../src/shared/typed-json.js';
import { isCancelledError } from '../../../../src/main/core/jobs/cancelled.js';
import type { TrainJobRequest, TrainJobResult } from '../../../../src/main/core/ml/train-job.js';
import { RendererHandoffs } from '../../../../src/main/core/runs/renderer-handoff.js';
import type { TrainProgress } from '../../../../src/shared/training.js';

const request = (runId: string) =>
  ({
    runId,
    config: { model: { type: 'dense', units: [4] } },
    dataset: {
      train: { x: Float32Array.from([1.5, -2, 3]), asset: Int32Array.from([7]), end: Float64Array.from([1e15 + 1]) },
    },
  }) as unknown as TrainJobRequest;

const setup = (timeouts = { takeMs: 5_000, silenceMs: 5_000 }) => {
  const events: ApiEvent[] = [];
  const handoffs = new RendererHandoffs((e) => events.push(e), timeouts);
  return { events, handoffs };
};

const progress: TrainProgress = { phase: 'training', epoch: 1, epochs: 2, loss: 0.5, valLoss: 0.6, message: 'epoch 1' };

describe('renderer handoff broker', () => {
  it('offers a run, gives it to the first window only, relays progress and returns the result', async () => {
    const { events, handoffs } = setup();
    const seen: TrainProgress[] = [];
    const handle = handoffs.start(request('r1'), (p) => seen.push(p));
    expect(events).toEqual([{ type: 'training-handoff', runId: 'r1', modelType: 'dense' }]);
    const sent = decodeTypedJson<TrainJobRequest>(handoffs.take('r1'));
    // Typed arrays arrive as typed arrays, bit for bit.
    const train = sent.dataset.train as unknown as { x: Float32Array; asset: Int32Array; end: Float64Array };
    expect(train.x).toEqual(Float32Array.from([1.5, -2, 3]));
    expect(train.end[0]).toBe(1e15 + 1);
    expect(() => handoffs.take('r1')).toThrow(/already being trained by a window/);
    expect(handoffs.report('r1', progress)).toEqual({ cancel: false });
    expect(seen).toEqual([progress]);
    const result = {
      artifact: { runId: 'r1', backend: 'webgl' },
      files: [{ name: 'w', data: Uint8Array.from([1, 2]) }],
    };
    handoffs.finish('r1', { ok: true, result: encodeTypedJson(result) });
    const got = (await handle.result) as unknown as TrainJobResult;
    expect(got.files[0]?.data).toEqual(Uint8Array.from([1, 2]));
    expect(() => handoffs.report('r1', null)).toThrow(/not being trained/);
  });

  it('Cancel before a window takes the run ends it at once; after, the window learns it from its next report', async () => {
    const { handoffs } = setup();
    const early = handoffs.start(request('a'), () => undefined);
    early.cancel();
    await expect(early.result).rejects.toSatisfy(isCancelledError);
    expect(() => handoffs.take('a')).toThrow(/no training run a is waiting/);

    const late = handoffs.start(request('b'), () => undefined);
    handoffs.take('b');
    late.cancel();
    expect(handoffs.report('b', null)).toEqual({ cancel: true });
    handoffs.finish('b', { ok: false, message: 'training cancelled', cancelled: true });
    await expect(late.result).rejects.toSatisfy(isCancelledError);
  });

  it('fails a run no window takes, and one whose window goes silent, with the reason', async () => {
    const { handoffs } = setup({ takeMs: 50, silenceMs: 80 });
    const untaken = handoffs.start(request('u'), () => undefined);
    await expect(untaken.result).rejects.toThrow(/no app window took training run u within 0.05 s/);
    const silent = handoffs.start(request('s'), () => undefined);
    handoffs.take('s');
    await expect(silent.result).rejects.toThrow(/stopped answering for 0.08 s/);
  });

  it('with a fallback (engine "auto"), a run no window takes trains there, recorded as such; Cancel reaches it', async () => {
    const { handoffs } = setup({ takeMs: 50, silenceMs: 1_000 });
    let cancelled = 0;
    const fallback = (r: TrainJobRequest) => ({
      result: Promise.resolve({
        artifact: { runId: r.runId, backend: 'wasm' },
        files: [],
      } as unknown as TrainJobResult),
      cancel: () => (cancelled += 1),
    });
    const handle = handoffs.start(request('fb'), () => undefined, fallback);
    const result = await handle.result;
    expect(result.artifact.engine).toMatchObject({
      place: 'node',
      backend: 'wasm',
      reason: "no app window took the run within 0.05 s, so the core's worker thread",
    });
    handle.cancel();
    expect(cancelled).toBe(1);
    expect(() => handoffs.take('fb')).toThrow(/no training run fb is waiting/);
  });

  it('a window error fails the run with its message; a result for another run is refused', async () => {
    const { handoffs } = setup();
    const failing = handoffs.start(request('f'), () => undefined);
    handoffs.take('f');
    handoffs.finish('f', { ok: false, message: 'backend "webgpu" cannot train this dense model', cancelled: false });
    await expect(failing.result).rejects.toThrow(/in the app window: backend "webgpu" cannot train/);
    const wrong = handoffs.start(request('w'), () => undefined);
    handoffs.take('w');
    handoffs.finish('w', { ok: true, result: encodeTypedJson({ artifact: { runId: 'other' }, files: [] }) });
    await expect(wrong.result).rejects.toThrow(/result for another run \(other\)/);
  });

  it('places runs: node by default, renderer when asked, auto only where a window offers a GPU', () => {
    let now = 1_000_000;
    const handoffs = new RendererHandoffs(
      () => undefined,
      { takeMs: 5_000, silenceMs: 5_000 },
      () => now,
    );
    expect(handoffs.place({ backend: 'auto' }).place).toBe('node');
    expect(handoffs.place({ backend: 'auto', engine: 'renderer' }).place).toBe('renderer');
    expect(handoffs.place({ backend: 'auto', engine: 'auto' })).toMatchObject({
      place: 'node',
      reason: expect.stringContaining('no app window has offered a GPU'),
    });
    handoffs.announce({ backends: ['wasm', 'cpu'], adapter: null, isolated: true });
    expect(handoffs.place({ backend: 'auto', engine: 'auto' }).reason).toContain('offers no WebGPU or WebGL');
    handoffs.announce({ backends: ['webgl', 'wasm', 'cpu'], adapter: 'WebGL: ANGLE (SwiftShader)', isolated: true });
    expect(handoffs.place({ backend: 'auto', engine: 'auto' })).toEqual({
      place: 'renderer',
      reason: 'engine "auto": an open window offers webgl on WebGL: ANGLE (SwiftShader)',
    });
    expect(() => handoffs.place({ backend: 'webgl', engine: 'node' })).toThrow(
      /backend "webgl" exists only in the app window's engine/,
    );
    expect(() => handoffs.place({ backend: 'webgl' })).toThrow(/set "engine" to "renderer" or "auto"/);
    // A window that stopped repeating its offer (closed) no longer draws 'auto' runs.
    now += 4 * 60_000;
    expect(handoffs.place({ backend: 'auto', engine: 'auto' }).place).toBe('node');
  });
});
