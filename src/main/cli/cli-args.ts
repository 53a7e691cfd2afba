import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A wrong command line: exit status 2, the message followed by the command's usage. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string | null = null,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Options every command takes. */
const COMMON: OptionSpec = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: readonly string[];
}

/** Node's parser says "Unknown option '--x'. To specify a positional ..." : keep the flag, drop the advice. */
const quotedFlag = (message: string): string | null => /'(-[^' ]*)/.exec(message)?.[1] ?? null;

/**
 * Parse a command's arguments against its own options only, so a flag of another command (or a typo) is
 * named as unknown with the usage of the command at hand instead of being silently ignored.
 */
export const parseCommandArgs = (
  command: string,
  args: readonly string[],
  options: OptionSpec,
  usage: string,
  allowPositionals: boolean,
): ParsedArgs => {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { ...COMMON, ...options },
      allowPositionals,
      strict: true,
    });
    return { values, positionals };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = error instanceof Error ? error.message : String(error);
    const flag = quotedFlag(message);
    switch (code) {
      case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
        throw new UsageError(`${command}: unknown option ${flag ?? message}`, usage);
      case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
        throw new UsageError(
          flag === null ? `${command}: ${message}` : `${command}: ${flag.split(' ')[0] ?? flag} needs a value`,
          usage,
        );
      case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
        throw new UsageError(
          `${command}: unexpected argument ${flag ?? message.replace(/^.*'([^']*)'.*$/, '"$1"')}`,
          usage,
        );
      default:
        throw new UsageError(`${command}: ${message}`, usage);
    }
  }
};

/** Typed access to parsed values, with messages that name the option. */
export const readers = (command: string, parsed: ParsedArgs, usage: string) => {
  const str = (name: string): string | undefined => {
    const v = parsed.values[name];
    return typeof v === 'string' ? v : undefined;
  };
  const list = (name: string): string[] | undefined => {
    const v = parsed.values[name];
    if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
    return typeof v === 'string' ? [v] : undefined;
  };
  const need = (name: string, what = `<${name}>`): string =>
    str(name) ?? fail(`${command}: --${name} ${what} is required`, usage);
  const flag = (name: string): boolean => parsed.values[name] === true;
  const num = (name: string): number | undefined => {
    const raw = str(name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) fail(`${command}: --${name}: not a number: ${raw}`, usage);
    return n;
  };
  const int = (name: string): number | undefined => {
    const n = num(name);
    if (n !== undefined && (!Number.isInteger(n) || n < 0))
      fail(`${command}: --${name}: not a whole number: ${str(name) ?? ''}`, usage);
    return n;
  };
  return { str, list, need, flag, num, int, json: flag('json'), positionals: parsed.positionals };
};

export type Readers = ReturnType<typeof readers>;

export const fail = (message: string, usage: string | null = null): never => {
  throw new UsageError(message, usage);
};
