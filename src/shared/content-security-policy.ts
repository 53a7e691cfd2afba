/**
 * The Content-Security-Policy of every page the app serves, in the desktop window (a response header) and in
 * browser mode (an HTTP header). src/renderer/index.html repeats it as a meta tag for the file:// load.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  // 'wasm-unsafe-eval' lets TensorFlow.js compile its wasm backend (it does not allow eval of JavaScript).
  "script-src 'self' 'wasm-unsafe-eval'",
  // The training Web Worker is a file of the app.
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Cross-origin isolation (COOP + COEP) on every response the app serves, so the renderer training engine gets
 * SharedArrayBuffer and tfjs wasm runs with threads. Every resource the app loads is its own (CSP 'self').
 */
export const CROSS_ORIGIN_ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
} as const;
