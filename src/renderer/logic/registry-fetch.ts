/** The folder a fetch creates inside the chosen parent folder: `<model>-v<version>`, never an existing folder. */
export const fetchTargetIn = (parent: string, name: string, version: number): string => {
  const trimmed = parent.trim().replace(/[\\/]+$/, '');
  const separator = /^[A-Za-z]:|\\/.test(trimmed) && !trimmed.includes('/') ? '\\' : '/';
  return `${trimmed}${separator}${name}-v${version}`;
};

/** Why the typed target cannot be used, or null: the API needs an absolute path (on the machine running the core). */
export const fetchTargetProblem = (target: string): string | null => {
  const t = target.trim();
  if (t === '') return 'Give the folder to create.';
  if (!(t.startsWith('/') || /^[A-Za-z]:[\\/]/.test(t) || t.startsWith('\\\\')))
    return 'Give an absolute path, e.g. /data/models/pump-rul-v3.';
  return null;
};
