import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { defineConfig, type Plugin } from 'vite';

const require = createRequire(import.meta.url);

/**
 * tfjs-backend-wasm's threaded build, served as files of the app. The backend starts its pthread workers from blob:
 * URLs: one holding the threaded factory's source text (Function.toString of the bundled, minified factory, which
 * then refers to names outside itself: "e is not defined" in the pthread worker) and one holding the pthread
 * worker script. Here both become plain files in dist/renderer/assets (the factory as the package ships it), and the
 * backend is pointed at them: same origin, so the CSP stays "worker-src 'self'" and "script-src 'self'" (no blob:).
 */
const WASM_DIR = '@tensorflow/tfjs-backend-wasm/wasm-out';
const hashed = (base: string, source: string): string =>
  `${base}-${createHash('sha256').update(source).digest('hex').slice(0, 8)}.js`;
const threadedFiles = () => {
  const main = readFileSync(require.resolve(`${WASM_DIR}/tfjs-backend-wasm-threaded-simd.js`), 'utf8');
  // The backend escapes the newlines of this text before putting it in a Blob (they sit inside string literals).
  const { wasmWorkerContents } = require(`${WASM_DIR}/tfjs-backend-wasm-threaded-simd.worker.js`) as {
    wasmWorkerContents: string;
  };
  const worker = wasmWorkerContents.replace(/\n/g, '\\n');
  return [
    { name: hashed('tfjs-backend-wasm-threaded-simd', main), source: main },
    { name: hashed('tfjs-backend-wasm-threaded-simd.worker', worker), source: worker },
  ] as const;
};

/** Rewrites the two blob: URLs in backend_wasm.js (worker build) and emits the two files (page build). */
const wasmThreadsAsFiles = (role: 'page' | 'worker'): Plugin => {
  const [main, worker] = threadedFiles();
  // The training worker runs from assets/, next to the files: resolve against its own URL at run time.
  const url = (name: string) => `new URL(${JSON.stringify(name)}, self.location.href).href`;
  return {
    name: 'pdm-tfjs-wasm-threads-as-files',
    apply: 'build',
    transform(code, id) {
      if (role !== 'worker' || !/tfjs-backend-wasm[\\/]dist[\\/]backend_wasm\.js$/.test(id)) return null;
      const mainBlob =
        /new Blob\(\[`var WasmBackendModuleThreadedSimd = ` \+\s*wasmFactoryThreadedSimd\.toString\(\)\], \{ type: 'text\/javascript' \}\)/;
      const workerBlob =
        /const blob = new Blob\(\[response\], \{ type: 'application\/javascript' \}\);\s*return URL\.createObjectURL\(blob\);/;
      if (!mainBlob.test(code) || !workerBlob.test(code))
        throw new Error(`${id}: tfjs-backend-wasm changed; update wasmThreadsAsFiles in vite.config.ts`);
      return {
        code: code.replace(mainBlob, url(main.name)).replace(workerBlob, `return ${url(worker.name)};`),
        map: null,
      };
    },
    generateBundle() {
      if (role !== 'page') return;
      for (const file of [main, worker])
        this.emitFile({ type: 'asset', fileName: `assets/${file.name}`, source: file.source });
    },
  };
};

// The renderer: plain React, bundled to dist/renderer and served by Electron (file://) or the web transport.
export default defineConfig({
  root: 'src/renderer',
  base: './',
  plugins: [wasmThreadsAsFiles('page')],
  // The renderer training engine (src/ml-web) is a module Web Worker with its own chunk (TensorFlow.js, wasm).
  worker: { format: 'es', plugins: () => [wasmThreadsAsFiles('worker')] },
  build: {
    outDir: '../../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
  },
});
