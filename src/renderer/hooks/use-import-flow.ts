import { useCallback, useRef, useState } from 'react';
import type { ImportPreview, Reject } from '../../shared/domain.js';
import { errorMessage } from '../logic/errors.js';
import {
  applySignalEdit,
  buildImportOptions,
  defaultImportForm,
  emptyEdits,
  pruneEdits,
  type ImportForm,
  type SignalEdits,
} from '../logic/import-options.js';
import { isActive } from '../logic/job-tracker.js';
import { useServices } from './services.js';
import { useImportJob, type ImportJob } from './use-import-job.js';

export interface ImportFlow {
  readonly path: string;
  readonly setPath: (path: string) => void;
  readonly form: ImportForm;
  readonly setFormField: <K extends keyof ImportForm>(key: K, value: ImportForm[K]) => void;
  readonly edits: SignalEdits;
  readonly editSignal: (tag: string, field: 'asset' | 'unit', value: string) => void;
  readonly preview: ImportPreview | null;
  /** The preview was made for another path or other options than the current ones. */
  readonly previewStale: boolean;
  readonly previewing: boolean;
  readonly error: string | null;
  readonly clearError: () => void;
  readonly fail: (error: unknown) => void;
  readonly runPreview: () => Promise<void>;
  readonly job: ImportJob;
  readonly startImport: () => Promise<void>;
  readonly rejects: readonly Reject[] | null;
  readonly loadingRejects: boolean;
  readonly showRejects: () => Promise<void>;
  readonly busy: boolean;
}

/** State of the import dialog: path and overrides → preview → job → summary and rejects. */
export const useImportFlow = (): ImportFlow => {
  const { api } = useServices();
  const [path, setPathState] = useState('');
  const [form, setForm] = useState<ImportForm>(defaultImportForm);
  const [edits, setEdits] = useState<SignalEdits>(emptyEdits);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [previewKey, setPreviewKey] = useState<string | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [rejects, setRejects] = useState<readonly Reject[] | null>(null);
  const [loadingRejects, setLoadingRejects] = useState(false);
  const previewSeq = useRef(0);
  const job = useImportJob();

  const optionsKey = JSON.stringify([path.trim(), form]);

  const setPath = useCallback((next: string) => {
    setPathState(next);
    setError(null);
  }, []);

  const setFormField = useCallback(<K extends keyof ImportForm>(key: K, value: ImportForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
  }, []);

  const editSignal = useCallback(
    (tag: string, field: 'asset' | 'unit', value: string) =>
      setEdits((e) => applySignalEdit(e, preview, tag, field, value)),
    [preview],
  );

  const runPreview = useCallback(async () => {
    const target = path.trim();
    if (target === '') {
      setError('Enter the absolute path of the file to import.');
      return;
    }
    const id = ++previewSeq.current;
    setPreviewing(true);
    setError(null);
    try {
      // Per-tag edits are not sent: the preview proposes, the user's edits are applied on top.
      const result = await api.previewImport({ path: target, options: buildImportOptions(form) });
      if (id !== previewSeq.current) return;
      setPreview(result);
      setPreviewKey(JSON.stringify([target, form]));
      setEdits((e) => pruneEdits(e, result));
    } catch (e) {
      if (id === previewSeq.current) setError(errorMessage(e));
    } finally {
      if (id === previewSeq.current) setPreviewing(false);
    }
  }, [api, path, form]);

  const startImport = useCallback(async () => {
    const target = path.trim();
    if (target === '') {
      setError('Enter the absolute path of the file to import.');
      return;
    }
    setError(null);
    setRejects(null);
    await job.start([target], buildImportOptions(form, edits));
  }, [job, path, form, edits]);

  const showRejects = useCallback(async () => {
    const summary = job.view.summary;
    if (summary === null) return;
    setLoadingRejects(true);
    try {
      const lists = await Promise.all(
        summary.files.filter((f) => f.rejected > 0).map((f) => api.listRejects({ ingestId: f.ingestId, limit: 500 })),
      );
      setRejects(lists.flat());
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoadingRejects(false);
    }
  }, [api, job.view.summary]);

  return {
    path,
    setPath,
    form,
    setFormField,
    edits,
    editSignal,
    preview,
    previewStale: preview !== null && previewKey !== optionsKey,
    previewing,
    error,
    clearError: () => setError(null),
    fail: (e: unknown) => setError(errorMessage(e)),
    runPreview,
    job,
    startImport,
    rejects,
    loadingRejects,
    showRejects,
    busy: previewing || isActive(job.view),
  };
};
