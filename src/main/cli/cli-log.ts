import { defaultUserDataDir } from '../core/app/user-data.js';
import { cliLogDir, createLogger, setProcessLog, type Logger } from '../core/log/logger.js';

/**
 * The CLI writes the same structured log as the app: to $PDM_LOG_DIR, else userData/logs. One line names the
 * command and the options given, never their values (a --password or --token must not reach the file).
 */
export const installCliLog = (argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Logger => {
  const logger = createLogger(cliLogDir(defaultUserDataDir(), env));
  setProcessLog(logger);
  // The command and its subcommand: the first words, up to the first option (what follows may be a value).
  const firstOption = argv.findIndex((a) => a.startsWith('-'));
  const command = argv.slice(0, Math.min(2, firstOption === -1 ? argv.length : firstOption));
  const options = argv.filter((a) => a.startsWith('--')).map((a) => a.split('=')[0] as string);
  logger.info('cli', 'command', { command: command.join(' '), options });
  return logger;
};
