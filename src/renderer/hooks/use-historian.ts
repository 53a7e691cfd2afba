import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ConnectionProfileView, OpcuaTagInfo } from '../../shared/historian.js';
import { errorMessage } from '../logic/errors.js';
import {
  connectionFromProfile,
  connectRequest,
  emptyConnection,
  filterTags,
  importRange,
  needsTrust,
  toggleTag,
  toggleVisible,
  type ConnectionForm,
  type RangeForm,
} from '../logic/historian-form.js';
import { timeToInput } from '../logic/events.js';
import { US_PER_DAY } from '../logic/time-format.js';
import { useServices } from './services.js';
import { useJob, type Job } from './use-job.js';

type Action = 'browse' | 'import';

export interface Historian {
  readonly form: ConnectionForm;
  readonly setField: <K extends keyof ConnectionForm>(key: K, value: ConnectionForm[K]) => void;
  readonly profiles: readonly Extract<ConnectionProfileView, { kind: 'opcua' }>[];
  readonly applyProfile: (name: string) => void;
  readonly saveProfile: (name: string) => Promise<void>;
  readonly deleteProfile: (name: string) => Promise<void>;
  readonly browsing: boolean;
  readonly browse: () => Promise<void>;
  readonly tags: readonly OpcuaTagInfo[] | null;
  readonly query: string;
  readonly setQuery: (q: string) => void;
  readonly visible: readonly OpcuaTagInfo[];
  readonly selected: ReadonlySet<string>;
  readonly toggle: (nodeId: string) => void;
  readonly toggleAllVisible: () => void;
  readonly range: RangeForm;
  readonly setRange: (patch: Partial<RangeForm>) => void;
  readonly startImport: () => Promise<void>;
  readonly job: Job;
  /** Set when the server's certificate is not trusted: the action waiting for the user's answer. */
  readonly trustPrompt: { readonly action: Action; readonly message: string } | null;
  readonly answerTrust: (answer: 'once' | 'always' | 'reject') => void;
  readonly error: string | null;
  readonly clearError: () => void;
}

const defaultRange = (): RangeForm => ({
  mode: 'range',
  from: timeToInput(Date.now() * 1000 - 7 * US_PER_DAY, 'timestamp').slice(0, 10),
  to: '',
  lookBack: '60',
});

/** The "Connect historian…" flow: connect, browse, pick tags, import as a job, answer the trust prompt. */
export const useHistorian = (): Historian => {
  const { api, displayZone } = useServices();
  const job = useJob();
  const [form, setForm] = useState<ConnectionForm>(emptyConnection);
  const [profiles, setProfiles] = useState<Historian['profiles']>([]);
  const [browsing, setBrowsing] = useState(false);
  const [tags, setTags] = useState<readonly OpcuaTagInfo[] | null>(null);
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [range, setRangeState] = useState<RangeForm>(defaultRange);
  const [trustPrompt, setTrustPrompt] = useState<Historian['trustPrompt']>(null);
  /** "Trust once" holds for this dialog and endpoint: browse then import asks only once. */
  const [trustedOnce, setTrustedOnce] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const loadProfiles = useCallback(async () => {
    try {
      const all = await api.listConnectionProfiles({});
      setProfiles(all.filter((p): p is Extract<ConnectionProfileView, { kind: 'opcua' }> => p.kind === 'opcua'));
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [api]);

  useEffect(() => {
    void loadProfiles();
  }, [loadProfiles]);

  const setField = useCallback(<K extends keyof ConnectionForm>(key: K, value: ConnectionForm[K]) => {
    setForm((f) => ({
      ...f,
      [key]: value,
      ...(key === 'endpoint' ? { profile: null, profileHasPassword: false } : {}),
    }));
  }, []);

  const trustFor = (endpoint: string, answer?: 'once' | 'always') =>
    answer ?? (trustedOnce === endpoint.trim() ? 'once' : undefined);

  const browse = useCallback(
    async (answer?: 'once' | 'always') => {
      const check = connectRequest(form, trustFor(form.endpoint, answer));
      if (!check.ok) {
        setError(check.error);
        return;
      }
      setBrowsing(true);
      setError(null);
      try {
        const result = await api.browseOpcua(check.request);
        setTags(result.tags);
        setSelected((s) => new Set([...s].filter((id) => result.tags.some((t) => t.nodeId === id))));
      } catch (e) {
        if (needsTrust(e)) setTrustPrompt({ action: 'browse', message: errorMessage(e) });
        else setError(errorMessage(e));
      } finally {
        setBrowsing(false);
      }
    },
    [api, form, trustedOnce],
  );

  const startImport = useCallback(
    async (answer?: 'once' | 'always') => {
      const check = connectRequest(form, trustFor(form.endpoint, answer));
      if (!check.ok) return setError(check.error);
      if (selected.size === 0) return setError('Tick at least one tag to import');
      const when = importRange(range, displayZone);
      if (!when.ok) return setError(when.error);
      setError(null);
      const request = {
        ...check.request,
        tags: [...selected],
        ...(when.from === undefined ? {} : { from: when.from }),
        ...(when.to === undefined ? {} : { to: when.to }),
        ...(when.overlapMs === undefined ? {} : { overlapMs: when.overlapMs }),
      };
      try {
        await job.launch(() => api.startOpcuaImport(request));
      } catch (e) {
        if (needsTrust(e)) {
          job.reset();
          setTrustPrompt({ action: 'import', message: errorMessage(e) });
        }
      }
    },
    [api, form, selected, range, job.launch, job.reset, trustedOnce],
  );

  const answerTrust = useCallback(
    (answer: 'once' | 'always' | 'reject') => {
      const pending = trustPrompt;
      setTrustPrompt(null);
      if (pending === null) return;
      if (answer === 'reject') {
        setError('Not connected: the server certificate was rejected.');
        return;
      }
      if (answer === 'once') setTrustedOnce(form.endpoint.trim());
      if (pending.action === 'browse') void browse(answer);
      else void startImport(answer);
    },
    [trustPrompt, form.endpoint, browse, startImport],
  );

  const applyProfile = useCallback(
    (name: string) => {
      const p = profiles.find((x) => x.name === name);
      if (p !== undefined) setForm(connectionFromProfile(p));
    },
    [profiles],
  );

  const saveProfile = useCallback(
    async (name: string) => {
      const check = connectRequest({ ...form, password: form.password === '' ? 'unused' : form.password });
      if (!check.ok) return setError(check.error);
      try {
        const saved = await api.saveConnectionProfile({
          name,
          endpoint: check.request.endpoint,
          securityMode: check.request.securityMode,
          securityPolicy: check.request.securityPolicy,
          userName: check.request.userName ?? null,
          ...(form.password !== '' ? { password: form.password } : {}),
        });
        if (saved.kind === 'opcua') setForm(connectionFromProfile(saved));
        await loadProfiles();
      } catch (e) {
        setError(errorMessage(e));
      }
    },
    [api, form, loadProfiles],
  );

  const deleteProfile = useCallback(
    async (name: string) => {
      try {
        await api.deleteConnectionProfile({ name });
        setForm((f) => (f.profile === name ? { ...f, profile: null, profileHasPassword: false } : f));
        await loadProfiles();
      } catch (e) {
        setError(errorMessage(e));
      }
    },
    [api, loadProfiles],
  );

  const visible = useMemo(() => filterTags(tags ?? [], query), [tags, query]);

  return {
    form,
    setField,
    profiles,
    applyProfile,
    saveProfile,
    deleteProfile,
    browsing,
    browse: () => browse(),
    tags,
    query,
    setQuery,
    visible,
    selected,
    toggle: (nodeId) => setSelected((s) => toggleTag(s, nodeId)),
    toggleAllVisible: () => setSelected((s) => toggleVisible(s, visible)),
    range,
    setRange: (patch) => setRangeState((r) => ({ ...r, ...patch })),
    startImport: () => startImport(),
    job,
    trustPrompt,
    answerTrust,
    error,
    clearError: () => setError(null),
  };
};
