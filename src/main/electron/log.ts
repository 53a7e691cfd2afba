import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The main process's log file (userData/logs/main.log). Writes are synchronous so that the line about an
 * uncaught exception is on disk before the process goes down; the file rotates once at 1 MB.
 * Messages are scrubbed of anything that looks like a credential: the web transport's per-launch token,
 * bearer tokens, passwords in URLs or key=value pairs.
 */
export interface FileLog {
  readonly file: string;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

const MAX_BYTES = 1024 * 1024;

const SECRET_PATTERNS: readonly [RegExp, string][] = [
  [/(bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1[redacted]'],
  [
    /((?:token|password|passwd|pwd|secret|api[-_]?key|authorization)["']?\s*[=:]\s*["']?)[^\s&"',;}]+/gi,
    '$1[redacted]',
  ],
  [/(\/\/[^/\s:@]+:)[^/\s@]+@/g, '$1[redacted]@'],
];

export const redactSecrets = (text: string): string =>
  SECRET_PATTERNS.reduce((acc, [pattern, replacement]) => acc.replace(pattern, replacement), text);

export const describeError = (error: unknown): string => {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
};

export const createFileLog = (file: string, options: { readonly echo?: boolean } = {}): FileLog => {
  let ready = false;
  const write = (level: string, message: string) => {
    const line = `${new Date().toISOString()} ${level.padEnd(5)} ${redactSecrets(message).replace(/\r?\n/g, '\n    ')}\n`;
    if (options.echo === true) process.stderr.write(line);
    try {
      if (!ready) {
        mkdirSync(dirname(file), { recursive: true });
        ready = true;
      }
      try {
        if (statSync(file).size > MAX_BYTES) renameSync(file, `${file}.1`);
      } catch {
        // no file yet
      }
      appendFileSync(file, line, 'utf8');
    } catch {
      // Logging must never take the app down; stderr is the last resort.
      if (options.echo !== true) process.stderr.write(line);
    }
  };
  return {
    file,
    info: (message) => write('INFO', message),
    warn: (message) => write('WARN', message),
    error: (message, error) => write('ERROR', error === undefined ? message : `${message}: ${describeError(error)}`),
  };
};
