import type { ExportFormat } from '../../shared/domain.js';

/** Give a path the extension of an export format, replacing a known data-file extension. */
export const withExtension = (path: string, format: ExportFormat): string => {
  const trimmed = path.trim();
  if (trimmed === '') return trimmed;
  const base = trimmed.replace(/\.(csv|parquet|arrow|feather)$/i, '');
  return `${base}.${format}`;
};

/** Last component of a path, for either separator. */
export const baseName = (path: string): string =>
  path
    .split(/[\\/]/)
    .filter((p) => p !== '')
    .pop() ?? path;
