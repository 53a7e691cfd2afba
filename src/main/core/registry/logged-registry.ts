import { log, type LogFields } from '../log/logger.js';
import { RegistryError } from './errors.js';
import type { Registry } from './registry-types.js';

/** Refusals a support engineer looks for: who was stopped from doing what, and why. */
const REFUSALS = new Set(['unauthorized', 'forbidden', 'conflict', 'integrity']);

type Logged = Pick<Registry, 'publish' | 'govern' | 'fetch' | 'verify'>;

/**
 * The same registry (same class: callers still use FolderRegistry's store or HttpRegistry's whoami) whose
 * changes (publish, approve, reject, promote, rollback, archive) and fetches are logged, one line per action
 * with its outcome. A refusal (four-eyes, role, token, stage conflict, tampering) is a warning naming the rule;
 * other failures are errors. A verification is logged only when it finds problems (views verify on every look).
 * Reads are not logged. Tokens never reach the log: registry messages carry none, and the log redacts them.
 */
export const withActionLog = <T extends Registry>(registry: T, who: { readonly user: string | null }): T => {
  const base = { registry: registry.location, ...(who.user === null ? {} : { user: who.user }) };
  const failed = (action: string, fields: LogFields, error: unknown) => {
    if (error instanceof RegistryError && REFUSALS.has(error.code))
      log.warn('registry', `${action} refused`, { ...base, ...fields, code: error.code, reason: error.message });
    else log.error('registry', `${action} failed`, { ...base, ...fields, error });
  };
  const run = async <R>(action: string, fields: LogFields, work: () => Promise<R>, result: (r: R) => LogFields) => {
    try {
      const r = await work();
      log.info('registry', `${action} done`, { ...base, ...fields, ...result(r) });
      return r;
    } catch (error) {
      failed(action, fields, error);
      throw error;
    }
  };
  const logged: Logged = {
    publish: (input) =>
      run(
        'publish',
        { run: input.runDir, model: input.name },
        () => registry.publish(input),
        (r) => ({ version: r.version }),
      ),
    govern: (action, input) =>
      run(
        action,
        { model: input.name, ...(input.version === undefined ? {} : { version: input.version }) },
        () => registry.govern(action, input),
        (r) => ({ version: r.version, stage: r.stage }),
      ),
    fetch: (name, ref, destDir) =>
      run(
        'fetch',
        { model: name, ref, to: destDir },
        () => registry.fetch(name, ref, destDir),
        () => ({}),
      ),
    verify: async () => {
      try {
        const report = await registry.verify();
        if (!report.ok)
          log.warn('registry', 'verify found problems', { ...base, problems: report.problems.slice(0, 20) });
        return report;
      } catch (error) {
        failed('verify', {}, error);
        throw error;
      }
    },
  };
  return new Proxy(registry, {
    get: (target, property) => {
      if (Object.prototype.hasOwnProperty.call(logged, property)) return logged[property as keyof Logged];
      const value: unknown = Reflect.get(target, property, target);
      // Bound to the real object: its methods may use private fields a proxy does not have.
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
};
