import { createLogger } from '../core/log/logger.js';
import { redactText } from '../core/log/redact.js';

/**
 * The desktop shell's log: the same structured log as the core (userData/logs/pdm-studio.jsonl, JSON lines,
 * rotated at 5 MB, secrets redacted), area "desktop". Writes are synchronous so that the line about an uncaught
 * exception is on disk before the process goes down.
 */
export interface FileLog {
  readonly file: string;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/** Scrub credentials from text: kept under this name for the shell's callers. */
export const redactSecrets = redactText;

export const describeError = (error: unknown): string => {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
};

/** A log writing into `dir` (userData/logs). */
export const createFileLog = (dir: string, options: { readonly echo?: boolean } = {}): FileLog => {
  const logger = createLogger(dir, options.echo === undefined ? {} : { echo: options.echo });
  return {
    file: logger.file ?? dir,
    info: (message) => logger.info('desktop', message),
    warn: (message) => logger.warn('desktop', message),
    error: (message, error) =>
      logger.error(
        'desktop',
        message,
        error === undefined ? undefined : { error: error instanceof Error ? error : describeError(error) },
      ),
  };
};
