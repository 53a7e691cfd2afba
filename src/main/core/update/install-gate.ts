/**
 * Installing an update restarts the app. It is never done while an import or a training run is under way:
 * the user is told what is running, and offered the install again once it has finished.
 */
/** A job's kind; 'job' until the kind is known. */
export type RunningJobKind =
  'import' | 'opcua-import' | 'sql-import' | 'training' | 'scoring' | 'report' | 'follow' | 'job';

const LABEL: Readonly<Record<RunningJobKind, string>> = {
  import: 'a file import',
  'opcua-import': 'a historian import',
  'sql-import': 'a SQL historian import',
  training: 'a training run',
  scoring: 'a monitoring scoring pass',
  report: 'a report export',
  follow: 'a monitoring follow loop',
  job: 'an import or training run',
};

/** null when an install may restart the app now; otherwise why not, in the user's words. */
export const installBlocker = (running: readonly RunningJobKind[]): string | null => {
  if (running.length === 0) return null;
  const kinds = [...new Set(running)].map((kind) => LABEL[kind]);
  const what = kinds.length === 1 ? kinds[0] : `${kinds.slice(0, -1).join(', ')} and ${kinds[kinds.length - 1]}`;
  return `${what} ${running.length === 1 ? 'is' : 'are'} running; the update installs once ${running.length === 1 ? 'it has' : 'they have'} finished`;
};
