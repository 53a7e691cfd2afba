import { defineConfig } from 'vite';

// The renderer: plain React, bundled to dist/renderer and served by Electron (file://) or the web transport.
export default defineConfig({
  root: 'src/renderer',
  base: './',
  // The renderer training engine (src/ml-web) is a module Web Worker with its own chunk (TensorFlow.js, wasm).
  worker: { format: 'es' },
  build: {
    outDir: '../../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
  },
});
