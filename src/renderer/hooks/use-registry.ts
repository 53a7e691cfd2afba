import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiInput } from '../../shared/api.js';
import type {
  RegistryConnection,
  RegistryGovernResult,
  RegistryModel,
  RegistryVerifyReport,
  RegistryVersionDetail,
} from '../../shared/registry.js';
import { errorCode, errorMessage } from '../logic/errors.js';
import type { GovernActionName } from '../logic/registry.js';
import { useServices } from './services.js';

export interface Failure {
  readonly code: string | null;
  readonly message: string;
}

const failure = (error: unknown): Failure => ({ code: errorCode(error), message: errorMessage(error) });

export interface RegistryState {
  readonly connection: RegistryConnection | null;
  readonly checking: boolean;
  readonly models: readonly RegistryModel[];
  readonly loading: boolean;
  readonly error: Failure | null;
  readonly connect: (input: ApiInput<'openRegistry'>) => Promise<Failure | null>;
  readonly disconnect: () => Promise<void>;
  readonly refresh: () => Promise<void>;
  readonly clearError: () => void;
}

/** The registry connection of this app session (main remembers it) and its models. */
export const useRegistry = (): RegistryState => {
  const { api } = useServices();
  const [connection, setConnection] = useState<RegistryConnection | null>(null);
  const [checking, setChecking] = useState(true);
  const [models, setModels] = useState<readonly RegistryModel[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<Failure | null>(null);
  const seq = useRef(0);

  const refresh = useCallback(async () => {
    const id = ++seq.current;
    setLoading(true);
    try {
      const list = await api.listRegistryModels({});
      if (id === seq.current) {
        setModels(list);
        setError(null);
      }
    } catch (e) {
      if (id === seq.current) setError(failure(e));
    } finally {
      if (id === seq.current) setLoading(false);
    }
  }, [api]);

  useEffect(() => {
    let live = true;
    api.getRegistryConnection({}).then(
      (c) => {
        if (!live) return;
        setConnection(c);
        setChecking(false);
        if (c !== null) void refresh();
      },
      (e: unknown) => {
        if (!live) return;
        setChecking(false);
        setError(failure(e));
      },
    );
    return () => {
      live = false;
    };
  }, [api, refresh]);

  const connect = useCallback(
    async (input: ApiInput<'openRegistry'>): Promise<Failure | null> => {
      try {
        const c = await api.openRegistry(input);
        setConnection(c);
        setModels([]);
        await refresh();
        return null;
      } catch (e) {
        return failure(e);
      }
    },
    [api, refresh],
  );

  const disconnect = useCallback(async () => {
    seq.current += 1;
    await api.closeRegistry({}).catch(() => undefined);
    setConnection(null);
    setModels([]);
    setError(null);
  }, [api]);

  return {
    connection,
    checking,
    models,
    loading,
    error,
    connect,
    disconnect,
    refresh,
    clearError: () => setError(null),
  };
};

export interface VersionState {
  readonly detail: RegistryVersionDetail | null;
  readonly card: string | null;
  readonly loading: boolean;
  readonly error: Failure | null;
  readonly reload: () => void;
}

/** One version in full (manifest, stage, approvals, verification) and its model card. */
export const useRegistryVersion = (name: string | null, version: number | null, refreshKey: number): VersionState => {
  const { api } = useServices();
  const [state, setState] = useState<Omit<VersionState, 'reload'>>({
    detail: null,
    card: null,
    loading: false,
    error: null,
  });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (name === null || version === null) {
      setState({ detail: null, card: null, loading: false, error: null });
      return;
    }
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    Promise.all([
      api.getRegistryVersion({ name, version }),
      api.getModelCard({ name, version }).catch(() => null),
    ]).then(
      ([detail, card]) => live && setState({ detail, card, loading: false, error: null }),
      (e: unknown) => live && setState({ detail: null, card: null, loading: false, error: failure(e) }),
    );
    return () => {
      live = false;
    };
  }, [api, name, version, refreshKey, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
};

/** Runs one governance action; the caller refreshes on success and shows the failure otherwise. */
export const useGovern = () => {
  const { api } = useServices();
  return useCallback(
    async (
      action: GovernActionName,
      name: string,
      version: number,
      reason: string,
    ): Promise<{ result: RegistryGovernResult } | { failure: Failure }> => {
      const r = reason.trim();
      try {
        switch (action) {
          case 'approve':
            return { result: await api.approveVersion({ name, version, reason: r }) };
          case 'reject':
            return { result: await api.rejectVersion({ name, version, reason: r }) };
          case 'promote':
            return { result: await api.promoteVersion({ name, version, ...(r !== '' ? { reason: r } : {}) }) };
          case 'rollback':
            return { result: await api.rollbackModel({ name, ...(r !== '' ? { reason: r } : {}) }) };
          case 'archive':
            return { result: await api.archiveVersion({ name, version, ...(r !== '' ? { reason: r } : {}) }) };
        }
      } catch (e) {
        return { failure: failure(e) };
      }
    },
    [api],
  );
};

export const useVerify = () => {
  const { api } = useServices();
  const [report, setReport] = useState<RegistryVerifyReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Failure | null>(null);
  const run = useCallback(async () => {
    setBusy(true);
    setError(null);
    try {
      setReport(await api.verifyRegistry({}));
    } catch (e) {
      setError(failure(e));
    } finally {
      setBusy(false);
    }
  }, [api]);
  return { report, busy, error, run, clear: () => setReport(null) };
};
