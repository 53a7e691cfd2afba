import { fileURLToPath } from 'node:url';

export { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy.js';
import { CONTENT_SECURITY_POLICY, CROSS_ORIGIN_ISOLATION_HEADERS } from '../../shared/content-security-policy.js';

/** Headers set here, whatever the response carried (compared case-insensitively). */
const OWN_HEADERS = new Set([
  'content-security-policy',
  ...Object.keys(CROSS_ORIGIN_ISOLATION_HEADERS),
  'cross-origin-resource-policy',
]);

/**
 * Replace any CSP the response carried with ours, and isolate the window (COOP + COEP) so the renderer training
 * engine gets wasm threads. Every file the window loads is the app's own, so each may be embedded
 * (CORP cross-origin): file:// pages have an opaque origin, for which "same-origin" would refuse the app's files.
 */
export const withContentSecurityPolicy = (
  headers: Record<string, string | string[]> | undefined,
): Record<string, string | string[]> => {
  const next: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!OWN_HEADERS.has(name.toLowerCase())) next[name] = value;
  }
  next['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  next['Cross-Origin-Opener-Policy'] = [CROSS_ORIGIN_ISOLATION_HEADERS['cross-origin-opener-policy']];
  next['Cross-Origin-Embedder-Policy'] = [CROSS_ORIGIN_ISOLATION_HEADERS['cross-origin-embedder-policy']];
  next['Cross-Origin-Resource-Policy'] = ['cross-origin'];
  return next;
};

const parse = (url: string): URL | null => {
  try {
    return new URL(url);
  } catch {
    return null;
  }
};

const filePathOf = (url: URL): string | null => {
  if (url.protocol !== 'file:') return null;
  try {
    return fileURLToPath(url);
  } catch {
    return null;
  }
};

/**
 * True when `url` is our own page: the same file:// document as `indexUrl`, ignoring query and fragment
 * (the views may keep state in the fragment). Anything else (other files, http, data:, about:) is foreign.
 */
export const isAppUrl = (url: string, indexUrl: string): boolean => {
  const candidate = parse(url);
  const index = parse(indexUrl);
  if (candidate === null || index === null) return false;
  const a = filePathOf(candidate);
  const b = filePathOf(index);
  if (a === null || b === null) return false;
  return process.platform === 'win32' ? a.toLowerCase() === b.toLowerCase() : a === b;
};

/** Links the window may hand to the system browser: https only (no http, file, javascript, custom schemes). */
export const externalUrlToOpen = (url: string): string | null => {
  const parsed = parse(url);
  if (parsed === null || parsed.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '') return null;
  return parsed.href;
};
