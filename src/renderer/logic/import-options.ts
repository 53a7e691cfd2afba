import type { ImportFormat, ImportOptions, ImportPreview } from '../../shared/domain.js';

/** What the import dialog's override fields hold; empty means "let the importer detect it". */
export interface ImportForm {
  readonly format: ImportFormat | '';
  readonly delimiter: string;
  readonly decimal: '' | '.' | ',';
  readonly timestampFormat: string;
  readonly timeZone: string;
  readonly asset: string;
}

export const defaultImportForm: ImportForm = {
  format: '',
  delimiter: '',
  decimal: '',
  timestampFormat: '',
  timeZone: 'UTC',
  asset: '',
};

/** Per-tag edits of the signals the import will create; keyed by tag as the importer expects. */
export interface SignalEdits {
  readonly assets: Readonly<Record<string, string>>;
  readonly units: Readonly<Record<string, string>>;
}

export const emptyEdits: SignalEdits = { assets: {}, units: {} };

/** Delimiter choices; "\t" is shown as "Tab". */
export const DELIMITERS: readonly { value: string; label: string }[] = [
  { value: '', label: 'Detect' },
  { value: ',', label: 'Comma ,' },
  { value: ';', label: 'Semicolon ;' },
  { value: '\t', label: 'Tab' },
  { value: '|', label: 'Pipe |' },
  { value: ' ', label: 'Space' },
];

export const describeDelimiter = (d: string): string => (d === '\t' ? 'Tab' : d === ' ' ? 'Space' : d === '' ? '—' : d);

const hasKeys = (r: Readonly<Record<string, string>>): boolean => Object.keys(r).length > 0;

/** Options for previewImport/startImport: only what the user set, so everything else is detected. */
export const buildImportOptions = (form: ImportForm, edits: SignalEdits = emptyEdits): ImportOptions => {
  const options: ImportOptions = {};
  if (form.format !== '') options.format = form.format;
  if (form.delimiter.length === 1) options.delimiter = form.delimiter;
  if (form.decimal !== '') options.decimal = form.decimal;
  const timestampFormat = form.timestampFormat.trim();
  if (timestampFormat !== '') options.timestampFormat = timestampFormat;
  options.timeZone = form.timeZone.trim() === '' ? 'UTC' : form.timeZone.trim();
  const asset = form.asset.trim();
  if (asset !== '') options.asset = asset;
  if (hasKeys(edits.assets)) options.assets = { ...edits.assets };
  if (hasKeys(edits.units)) options.units = { ...edits.units };
  return options;
};

/** Tags that appear under more than one asset (e.g. C-MAPSS sensors per engine): their asset comes from the file. */
export const tagsOnSeveralAssets = (preview: ImportPreview | null): Set<string> => {
  const seen = new Map<string, string>();
  const several = new Set<string>();
  for (const s of preview?.signals ?? []) {
    const asset = seen.get(s.tag);
    if (asset === undefined) seen.set(s.tag, s.asset);
    else if (asset !== s.asset) several.add(s.tag);
  }
  return several;
};

/**
 * Record an edit of a signal's asset or unit. An edit equal to what the preview proposes is removed,
 * so the maps only carry real overrides (and a later change of the default asset still applies).
 */
export const applySignalEdit = (
  edits: SignalEdits,
  preview: ImportPreview | null,
  tag: string,
  field: 'asset' | 'unit',
  value: string,
): SignalEdits => {
  const proposed = preview?.signals.find((s) => s.tag === tag);
  const original = field === 'asset' ? (proposed?.asset ?? '') : (proposed?.unit ?? '');
  const key = field === 'asset' ? 'assets' : 'units';
  const next: Record<string, string> = { ...edits[key] };
  if (value === original) delete next[tag];
  else next[tag] = value;
  return { ...edits, [key]: next };
};

/** The asset/unit a preview row shows, with the user's edits applied. */
export const editedSignal = (
  s: { asset: string; tag: string; unit: string | null },
  edits: SignalEdits,
): { asset: string; unit: string } => ({
  asset: edits.assets[s.tag] ?? s.asset,
  unit: edits.units[s.tag] ?? s.unit ?? '',
});

/** Edits whose tags are no longer in the preview are dropped after a re-preview. */
export const pruneEdits = (edits: SignalEdits, preview: ImportPreview): SignalEdits => {
  const tags = new Set(preview.signals.map((s) => s.tag));
  const keep = (r: Readonly<Record<string, string>>) =>
    Object.fromEntries(Object.entries(r).filter(([tag]) => tags.has(tag)));
  return { assets: keep(edits.assets), units: keep(edits.units) };
};
