import { isCancelledError } from './cancelled.js';
import { log, type LogArea, type LogFields } from '../log/logger.js';

/** Errors a `logged` operation already wrote as its own error line (a job ending with one does not repeat it). */
const loggedErrors = new WeakSet<object>();

/** True when `error` was already logged as an error line by the operation that threw it. */
export const wasLogged = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && loggedErrors.has(error);

/**
 * Run `work` and log how it went: one line when it starts, one when it ends (`<name> finished` with what
 * `summarise` picks from the result, `<name> cancelled`, or `<name> failed` with the error). Rethrows.
 */
export const logged = async <R>(
  area: LogArea,
  name: string,
  fields: LogFields,
  work: () => Promise<R>,
  summarise: (result: R) => LogFields = () => ({}),
): Promise<R> => {
  const started = performance.now();
  const seconds = () => Number(((performance.now() - started) / 1000).toFixed(3));
  log.info(area, `${name} started`, fields);
  try {
    const result = await work();
    log.info(area, `${name} finished`, { ...fields, ...summarise(result), seconds: seconds() });
    return result;
  } catch (error) {
    if (isCancelledError(error)) log.info(area, `${name} cancelled`, { ...fields, seconds: seconds() });
    else {
      log.error(area, `${name} failed`, { ...fields, seconds: seconds(), error });
      if (typeof error === 'object' && error !== null) loggedErrors.add(error);
    }
    throw error;
  }
};
