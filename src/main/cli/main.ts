#!/usr/bin/env node
import { ApiError } from '../../shared/api.js';
import { RegistryError } from '../core/registry/errors.js';
import { parseCommandArgs, readers, UsageError } from './cli-args.js';
import type { CliApi } from './cli-api.js';
import type { Command } from './command.js';
import { HISTORIAN_COMMANDS } from './historian-commands.js';
import { MONITORING_COMMANDS } from './monitoring-commands.js';
import { REGISTRY_COMMANDS } from './registry-command.js';
import { REPORT_COMMANDS } from './report-commands.js';
import { TRAINING_COMMANDS } from './training-commands.js';
import { WORKSPACE_COMMANDS } from './workspace-commands.js';
import { installCliLog } from './cli-log.js';

const serve: Command = {
  name: 'serve',
  usage: 'serve [--workspace <dir>] [--port N]',
  details: '  Browser mode on 127.0.0.1 until Ctrl-C; prints the URL with its per-launch token.',
  options: { workspace: { type: 'string', short: 'w' }, port: { type: 'string' }, host: { type: 'string' } },
  run: async (args) => {
    const { serveCommand } = await import('./serve.js');
    await serveCommand({ workspace: args.str('workspace'), port: args.int('port'), host: args.str('host') });
    return null;
  },
};

const COMMANDS: readonly Command[] = [
  ...WORKSPACE_COMMANDS,
  ...TRAINING_COMMANDS,
  serve,
  ...HISTORIAN_COMMANDS,
  ...REGISTRY_COMMANDS,
  ...MONITORING_COMMANDS,
  ...REPORT_COMMANDS,
];

/** Bare group names that stand for one of their commands. */
const DEFAULTS: Readonly<Record<string, string>> = {
  datasets: 'datasets list',
  runs: 'runs list',
  alerts: 'alerts list',
};

const byName = new Map(COMMANDS.map((c) => [c.name, c]));
const groups = new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0] as string));

const indent = (text: string) =>
  text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');

const OVERVIEW = `pdm-studio <command> [options]        pdm-studio help <command> for one command's options

Commands:
${COMMANDS.map((c) => indent(c.usage)).join('\n')}

train and datasets create read a training config (JSON): its fields in "pdm-studio help train", every detail in
docs/training.md. Long jobs show progress on stderr; Ctrl-C cancels them.
With --json the last line printed on stdout is one JSON object: the API's result, or {"error":{"code","message"}}.
Exit status: 0 done, 1 failed, 2 wrong command line or no such workspace, 130 cancelled.
Every command calls the same API as the app, except the tools around it: simulate, serve, registry init|serve|add-user
and publish --run-dir (a run folder outside any workspace).`;

const commandHelp = (c: Command) => `usage: pdm-studio ${c.usage}${c.details === undefined ? '' : `\n${c.details}`}`;

/** The usage of a group ("import", "registry"): every command in it. */
const groupHelp = (group: string) =>
  `usage:\n${COMMANDS.filter((c) => c.name.startsWith(`${group} `))
    .map((c) => indent(`pdm-studio ${c.usage}`))
    .join('\n')}\n\npdm-studio help ${group} <subcommand> for one of them.`;

/** The command named by the first words of argv (`words`: how many named it), and the arguments after it. */
const find = (
  argv: readonly string[],
): { command: Command | null; group: string | null; words: number; rest: string[] } => {
  const [first, second, ...after] = argv;
  if (first === undefined) return { command: null, group: null, words: 0, rest: [] };
  const group = groups.has(first) ? first : null;
  if (second !== undefined) {
    const two = byName.get(`${first} ${second}`);
    if (two !== undefined) return { command: two, group, words: 2, rest: after };
  }
  const rest = second === undefined ? [] : [second, ...after];
  return { command: byName.get(DEFAULTS[first] ?? first) ?? null, group, words: 1, rest };
};

const HELP_FLAGS = new Set(['--help', '-h']);

/** Help for the words that name a command or a group; a group's default command still shows the whole group. */
const helpFor = (words: readonly string[]): string => {
  if (words.length === 0) return OVERVIEW;
  const { command, group, words: used } = find(words);
  if (command !== null && (used === 2 || group === null)) return commandHelp(command);
  if (group !== null) return groupHelp(group);
  throw new UsageError(`help: no command "${words.join(' ')}"`, OVERVIEW);
};

/**
 * `pdm-studio`, `help`, `--help`, `-h`, `help <command>`, `<command> --help`, `<group> help [<sub>]`: the text to
 * print, or null when the arguments do not ask for help.
 */
const helpText = (argv: readonly string[]): string | null => {
  const [first, second] = argv;
  if (first === undefined) return OVERVIEW;
  if (first === 'help' || HELP_FLAGS.has(first)) return helpFor(argv.slice(1).filter((a) => !HELP_FLAGS.has(a)));
  if (second === 'help' && groups.has(first)) return helpFor([first, ...argv.slice(2)]);
  if (!argv.some((a) => HELP_FLAGS.has(a))) return null;
  const words = argv.slice(0, 2).filter((a) => !a.startsWith('-'));
  return helpFor(words.length === 2 && find(words).words !== 2 ? words.slice(0, 1) : words);
};

interface Failure {
  readonly code: string;
  readonly message: string;
  readonly exit: number;
  readonly usage: string | null;
}

/** One error convention for every command: a code scripts can test, the user's message, an exit status. */
const toFailure = (error: unknown, usage: string | null): Failure => {
  if (error instanceof UsageError)
    return { code: 'invalid-argument', message: error.message, exit: 2, usage: error.usage ?? usage };
  if (error instanceof ApiError || error instanceof RegistryError) {
    const exit = ['invalid-argument', 'no-workspace'].includes(error.code) ? 2 : error.code === 'cancelled' ? 130 : 1;
    return { code: error.code, message: error.message, exit, usage: null };
  }
  return { code: 'failed', message: error instanceof Error ? error.message : String(error), exit: 1, usage: null };
};

/** The exit status, or null while a server the command started keeps running. */
const main = async (argv: readonly string[]): Promise<number | null> => {
  const json = argv.includes('--json');
  let usage: string | null = null;
  let api: CliApi | null = null;
  try {
    if (argv[0] === '--version' || argv[0] === '-V') {
      const { describeBuild, readBuildInfo } = await import('../core/update/build-info.js');
      const info = readBuildInfo();
      process.stdout.write(`${json ? JSON.stringify(info) : describeBuild(info).join('\n')}\n`);
      return 0;
    }
    const help = helpText(argv);
    if (help !== null) {
      process.stdout.write(`${help}\n`);
      return 0;
    }
    const { command, group, words, rest } = find(argv);
    const sub = argv[1];
    // "runs frob": a word after a group is a subcommand, not an argument of the group's default command.
    const strayWord = command !== null && group !== null && words === 1 && sub !== undefined && !sub.startsWith('-');
    if (command === null || (strayWord && command.positionals !== true)) {
      if (group !== null)
        throw new UsageError(
          sub === undefined || sub.startsWith('-')
            ? `${group}: name a subcommand`
            : `${group}: unknown subcommand "${sub}"`,
          groupHelp(group),
        );
      throw new UsageError(`unknown command "${argv[0] ?? ''}"`, OVERVIEW);
    }
    usage = commandHelp(command);
    const parsed = parseCommandArgs(command.name, rest, command.options, usage, command.positionals === true);
    const output = await command.run(readers(command.name, parsed, usage), async () => {
      // Loaded on first use: help and usage errors answer without starting the core (DuckDB, tfjs, OPC UA).
      const { createCliApi } = await import('./cli-api.js');
      api ??= await createCliApi();
      return api;
    });
    if (output === null) return null;
    process.stdout.write(`${json ? JSON.stringify(output.value) : output.text}\n`);
    return output.exitCode ?? 0;
  } catch (error) {
    const failure = toFailure(error, usage);
    cliLog.error('cli', 'command failed', { error });
    process.stderr.write(`pdm-studio: ${failure.message}\n${failure.usage === null ? '' : `\n${failure.usage}\n`}`);
    if (json) process.stdout.write(`${JSON.stringify({ error: { code: failure.code, message: failure.message } })}\n`);
    return failure.exit;
  } finally {
    await (api as CliApi | null)?.dispose();
  }
};

const cliLog = installCliLog(process.argv.slice(2));

// Exit once the command is done: a finished command must not linger on a handle some library left open.
main(process.argv.slice(2)).then(
  (code) => {
    if (code !== null) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`pdm-studio: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
