/**
 * Keep secrets out of logs. Two nets: a field whose key names a secret (password, token, authorization, ...)
 * is replaced whole; any text is scrubbed of what looks like a credential (bearer tokens, key=value pairs,
 * passwords in URLs, the registry's pdm_ tokens, PEM private keys). Applied to every line before it is written.
 */

export const REDACTED = '[redacted]';

/** Keys whose values are secrets. `hasPassword: true` stays (booleans say nothing secret). */
const SECRET_KEY =
  /pass(?:word|wd|phrase)?$|^pwd$|secret|token|authori[sz]ation|api[-_]?key|cookie|credential|private[-_]?key|connection[-_]?string/i;

const SECRET_PATTERNS: readonly (readonly [RegExp, string])[] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED],
  // The header's value whole, scheme included ("Authorization: Bearer x" -> "Authorization: [redacted]").
  [/(authori[sz]ation["']?\s*[=:]\s*["']?)(?:(?:bearer|basic|digest|token)\s+)?[^\s&"',;}]+/gi, `$1${REDACTED}`],
  [/(bearer\s+)[A-Za-z0-9._~+/=-]+/gi, `$1${REDACTED}`],
  [/(basic\s+)[A-Za-z0-9+/=]{8,}/gi, `$1${REDACTED}`],
  [/\bpdm_[A-Za-z0-9_-]{16,}/g, REDACTED],
  [/((?:token|password|passwd|pwd|secret|api[-_]?key)["']?\s*[=:]\s*["']?)[^\s&"',;}]+/gi, `$1${REDACTED}`],
  // scheme://user:password@host (OPC UA, PostgreSQL, HTTP): the user stays, the password goes.
  [/(\/\/[^/\s:@]+:)[^/\s@]+@/g, `$1${REDACTED}@`],
];

export const isSecretKey = (key: string): boolean => SECRET_KEY.test(key);

export const redactText = (text: string): string =>
  SECRET_PATTERNS.reduce((acc, [pattern, replacement]) => acc.replace(pattern, replacement), text);

const MAX_DEPTH = 6;

/** A copy of `value` safe to log: secret keys replaced, strings scrubbed, errors as {name, message, stack}. */
export const redactValue = (value: unknown, depth = 0): unknown => {
  if (typeof value === 'string') return redactText(value);
  if (typeof value !== 'object' || value === null) return typeof value === 'bigint' ? value.toString() : value;
  if (depth >= MAX_DEPTH) return '[…]';
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return {
      name: value.name,
      message: redactText(value.message),
      ...(typeof code === 'string' ? { code } : {}),
      ...(value.stack === undefined ? {} : { stack: redactText(value.stack) }),
    };
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => redactValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] =
      isSecretKey(key) && v !== null && v !== undefined && typeof v !== 'boolean'
        ? REDACTED
        : redactValue(v, depth + 1);
  }
  return out;
};
