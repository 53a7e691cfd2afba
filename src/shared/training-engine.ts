import { z } from 'zod';

/**
 * Where a training run goes. `node`: the core's worker thread (tfjs-node when installed, else wasm or cpu).
 * `renderer`: a Web Worker in the app's window (desktop) or page (browser mode), where tfjs can use the GPU of
 * any vendor through WebGPU or WebGL. `auto`: the renderer when an open window has announced a GPU backend,
 * else node.
 */
export const TrainEngineSchema = z.enum(['node', 'renderer', 'auto']);
export type TrainEngine = z.infer<typeof TrainEngineSchema>;

/** Backends the renderer engine tries, best first. */
export const RENDERER_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type RendererBackend = (typeof RENDERER_BACKENDS)[number];
export const GPU_BACKENDS: readonly string[] = ['webgpu', 'webgl'];

/**
 * One backend's probe before a run: one batch's gradients against the cpu backend (largest difference relative
 * to the largest cpu gradient of the same weight) and the time of a training step.
 */
export const BackendProbeSchema = z.object({
  backend: z.string(),
  status: z.enum(['passed', 'too-far-from-cpu', 'missing-kernel', 'unavailable', 'reference']),
  /** max over weights of max|g - g_cpu| / max|g_cpu|; null when no gradient could be computed. */
  maxRelativeError: z.number().nullable(),
  /** Median of a few timed training steps after a warm-up step; null when not timed. */
  msPerStep: z.number().nullable(),
  /** In the user's words: why it passed or was skipped (names the missing kernel). */
  detail: z.string(),
});
export type BackendProbe = z.infer<typeof BackendProbeSchema>;

/** The tolerance a backend's gradients must meet (relative to the cpu gradient's largest magnitude). */
export const PROBE_TOLERANCE = 1e-3;

/** Where a run went and why: kept in run.json (absent in runs trained before it was recorded). */
export const RunEngineSchema = z.object({
  place: z.enum(['node', 'renderer']),
  backend: z.string(),
  /** The GPU adapter (WebGPU adapter info, or WebGL's UNMASKED_RENDERER_WEBGL); null where none was seen. */
  adapter: z.string().nullable(),
  /** Whether the page was cross-origin isolated (wasm threads need it); null in the Node worker. */
  isolated: z.boolean().nullable(),
  reason: z.string(),
  probes: z.array(BackendProbeSchema),
});
export type RunEngine = z.infer<typeof RunEngineSchema>;

/** What an open window tells the core it can train with (sent when the window loads). */
export const EngineAnnouncementSchema = z.object({
  backends: z.array(z.string().max(40)).max(10),
  adapter: z.string().max(400).nullable(),
  isolated: z.boolean(),
});
export type EngineAnnouncement = z.infer<typeof EngineAnnouncementSchema>;
