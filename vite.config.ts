import { defineConfig } from 'vite';

// The renderer: plain React, bundled to dist/renderer and served by Electron (file://) or the web transport.
export default defineConfig({
  root: 'src/renderer',
  base: './',
  build: {
    outDir: '../../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
  },
});
