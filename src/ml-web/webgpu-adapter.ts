/**
 * The WebGPU adapter's name, found the way tfjs-backend-webgpu opens it (the high-performance adapter: the discrete
 * GPU on a laptop with two), so the name a window announces and a run records is the GPU the run used. No
 * TensorFlow.js here: the page calls it on every load, the training worker before probing.
 */

/** A WebGPU adapter's description (GPUAdapterInfo), as far as used here. */
interface GpuAdapterInfoLike {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly device?: string;
  readonly description?: string;
}

/** WebGPU as far as this file needs it (lib.dom of TypeScript 5.9 has no WebGPU types). */
interface GpuLike {
  requestAdapter(options?: { readonly powerPreference?: 'high-performance' | 'low-power' }): Promise<{
    readonly info?: GpuAdapterInfoLike;
    // Chromium before 127 (older Electron) had only the method; tfjs-backend-webgpu reads either.
    requestAdapterInfo?: () => Promise<GpuAdapterInfoLike>;
  } | null>;
}

/** The adapter's name ("WebGPU: <vendor> <architecture> ..."), or why WebGPU cannot be used here. */
export type GpuAdapterLookup = { readonly name: string } | { readonly unavailable: string };

export const findWebGpuAdapter = async (): Promise<GpuAdapterLookup> => {
  const gpu = (globalThis.navigator as unknown as { gpu?: GpuLike } | undefined)?.gpu;
  if (gpu === undefined)
    return {
      unavailable: 'this browser exposes no WebGPU (navigator.gpu is missing: WebGPU is off or not supported here)',
    };
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (adapter === null) return { unavailable: 'WebGPU found no adapter (requestAdapter gave none)' };
    const info = adapter.info ?? (await adapter.requestAdapterInfo?.());
    const parts = [info?.vendor, info?.architecture, info?.device, info?.description].filter(
      (s): s is string => s !== undefined && s !== '',
    );
    return { name: parts.length > 0 ? `WebGPU: ${parts.join(' ')}` : 'WebGPU: adapter (no name given)' };
  } catch (error) {
    return { unavailable: `WebGPU adapter request failed: ${error instanceof Error ? error.message : String(error)}` };
  }
};
