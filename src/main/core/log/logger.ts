import { join } from 'node:path';
import { redactText, redactValue } from './redact.js';
import { DEFAULT_ROTATION, RotatingFile, type RotationPolicy } from './rotating-file.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Which part of the app speaks: a support engineer filters by it. */
export type LogArea = 'app' | 'desktop' | 'cli' | 'import' | 'job' | 'historian' | 'registry' | 'training' | 'web';

export type LogFields = Readonly<Record<string, unknown>>;

/** One JSON line of the log file. */
export interface LogRecord {
  readonly ts: string;
  readonly level: LogLevel;
  readonly area: LogArea;
  readonly event: string;
  readonly pid: number;
  readonly fields?: LogFields;
}

export interface Logger {
  /** The file written to, or null for a logger that writes nowhere. */
  readonly file: string | null;
  readonly log: (level: LogLevel, area: LogArea, event: string, fields?: LogFields) => void;
  readonly info: (area: LogArea, event: string, fields?: LogFields) => void;
  readonly warn: (area: LogArea, event: string, fields?: LogFields) => void;
  readonly error: (area: LogArea, event: string, fields?: LogFields) => void;
}

/** The log's file name inside its folder; rotated copies are LOG_FILE.1 ... LOG_FILE.4. */
export const LOG_FILE = 'pdm-studio.jsonl';

/** userData/logs: where the desktop app, browser mode and (by default) the CLI write. */
export const logDirIn = (userDataDir: string): string => join(userDataDir, 'logs');

export interface LoggerOptions {
  readonly rotation?: RotationPolicy;
  /** Also write each line to stderr (development). */
  readonly echo?: boolean;
  readonly now?: () => Date;
}

/** One line, secrets removed; never throws (a value JSON cannot hold becomes a note). */
export const formatRecord = (record: LogRecord): string => {
  const safe = { ...record, event: redactText(record.event), fields: redactValue(record.fields ?? {}) };
  try {
    return `${JSON.stringify(safe)}\n`;
  } catch {
    return `${JSON.stringify({ ...safe, fields: { unserialisable: true } })}\n`;
  }
};

const build = (file: string | null, write: (line: string) => void, now: () => Date): Logger => {
  const log = (level: LogLevel, area: LogArea, event: string, fields?: LogFields) =>
    write(
      formatRecord({ ts: now().toISOString(), level, area, event, pid: process.pid, ...(fields ? { fields } : {}) }),
    );
  return {
    file,
    log,
    info: (area, event, fields) => log('info', area, event, fields),
    warn: (area, event, fields) => log('warn', area, event, fields),
    error: (area, event, fields) => log('error', area, event, fields),
  };
};

/** One RotatingFile per path in this process, so two loggers on one file rotate it once, not twice. */
const files = new Map<string, RotatingFile>();

/** A structured logger appending JSON lines to `dir`/pdm-studio.jsonl, rotated at 5 MB, 5 files kept. */
export const createLogger = (dir: string, options: LoggerOptions = {}): Logger => {
  const path = join(dir, LOG_FILE);
  let sink = files.get(path);
  if (sink === undefined) {
    sink = new RotatingFile(path, options.rotation ?? DEFAULT_ROTATION);
    files.set(path, sink);
  }
  const target = sink;
  return build(
    path,
    (line) => {
      if (options.echo === true) process.stderr.write(line);
      // stderr is the last resort when the disk refuses.
      if (!target.append(line) && options.echo !== true) process.stderr.write(line);
    },
    options.now ?? (() => new Date()),
  );
};

/** A logger that drops everything: the default until a front end (app, CLI) says where logs go. */
export const NULL_LOGGER: Logger = build(
  null,
  () => undefined,
  () => new Date(),
);

let current: Logger = NULL_LOGGER;

/**
 * The process's log. Core code that has no logger handed to it (an import, a registry action, a historian
 * connection) writes here; the front end (app core, CLI) installs the real one once at start. Tests that
 * create no app core write nowhere.
 */
export const processLog = (): Logger => current;

export const setProcessLog = (logger: Logger): Logger => {
  const previous = current;
  current = logger;
  return previous;
};

/** Shorthands over the process log, for one-line calls in core code. */
export const log = {
  info: (area: LogArea, event: string, fields?: LogFields) => current.info(area, event, fields),
  warn: (area: LogArea, event: string, fields?: LogFields) => current.warn(area, event, fields),
  error: (area: LogArea, event: string, fields?: LogFields) => current.error(area, event, fields),
};

/** The CLI's log folder: PDM_LOG_DIR, else the app's own (userData/logs). */
export const cliLogDir = (userDataDir: string, env: NodeJS.ProcessEnv = process.env): string => {
  const override = env['PDM_LOG_DIR'];
  return override !== undefined && override.length > 0 ? override : logDirIn(userDataDir);
};
