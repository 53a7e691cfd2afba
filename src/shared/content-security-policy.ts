/**
 * The Content-Security-Policy of every page the app serves, in the desktop window (a response header) and in
 * browser mode (an HTTP header). src/renderer/index.html repeats it as a meta tag for the file:// load.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
