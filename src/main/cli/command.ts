import type { OptionSpec, Readers } from './cli-args.js';
import type { CliApi } from './cli-api.js';

/** What a command prints: `value` with --json (the API's result), `text` for people. */
export interface CommandOutput {
  readonly value: unknown;
  readonly text: string;
  /** Non-zero: the command ran but found problems (e.g. `registry verify`). */
  readonly exitCode?: number;
}

/**
 * One CLI command: its own options (anything else is an unknown flag), its usage, and a thin body that calls
 * the API. `run` returns null when the command printed for itself (servers that run until Ctrl-C).
 */
export interface Command {
  /** As typed: "trend", "import sql", "registry fetch". */
  readonly name: string;
  /** Synopsis lines, shown in the overview and in the command's help. */
  readonly usage: string;
  /** More lines for `help <command>`: what it does, option details. */
  readonly details?: string;
  readonly options: OptionSpec;
  readonly positionals?: boolean;
  readonly run: (args: Readers, api: () => Promise<CliApi>) => Promise<CommandOutput | null>;
}

/** Arrays are printed under a name so that the --json line stays one JSON object. */
export const listOutput = <T>(key: string, items: readonly T[], line: (item: T) => string): CommandOutput => ({
  value: { [key]: items },
  text: items.map(line).join('\n'),
});
