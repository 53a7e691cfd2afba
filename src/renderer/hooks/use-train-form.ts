import { useCallback, useMemo, useState } from 'react';
import type { Signal } from '../../shared/domain.js';
import type { TrainConfigInput } from '../../shared/training.js';
import { useServices } from './services.js';
import {
  assetNames,
  configToJson,
  defaultTrainForm,
  formToConfig,
  labelCandidateTags,
  labelColumnChoices,
  parseConfigJson,
  selectedAssets,
  tagsOnAssets,
  timeKindOf,
  unitDefaults,
  withModel,
  withTask,
  type ModelType,
  type TaskKind,
  type TrainForm,
} from '../logic/train-form.js';

export type TextField = {
  [K in keyof TrainForm]: TrainForm[K] extends string ? K : never;
}[keyof TrainForm];

export type CheckboxField = {
  [K in keyof TrainForm]: TrainForm[K] extends boolean ? K : never;
}[keyof TrainForm];

export interface TrainFormState {
  readonly form: TrainForm;
  readonly allAssets: readonly string[];
  /** Assets the current selection picks. */
  readonly chosenAssets: readonly string[];
  /** Tags every chosen asset has: what the signal list offers. */
  readonly availableTags: readonly string[];
  /** Tags marked at import as candidate label columns (not default inputs). */
  readonly labelCandidates: readonly string[];
  /** The label-column picker's choices, candidates first. */
  readonly labelColumns: readonly string[];
  /** The picked signals that exist on the chosen assets, in the list's order. */
  readonly chosenSignals: readonly string[];
  readonly setField: <K extends keyof TrainForm>(key: K, value: TrainForm[K]) => void;
  readonly setTask: (task: TaskKind) => void;
  readonly setModel: (model: ModelType) => void;
  readonly toggleSignal: (tag: string) => void;
  readonly setAllSignals: (all: boolean) => void;
  readonly toggleAsset: (name: string) => void;
  /** Advanced mode: the config as JSON text, edited directly. */
  readonly advanced: boolean;
  readonly jsonText: string;
  readonly setJsonText: (text: string) => void;
  readonly setAdvanced: (on: boolean) => void;
  /** The config to start, or the problem naming its field. */
  readonly result: { readonly config: TrainConfigInput } | { readonly error: string };
}

/** The train dialog's form: field edits, asset and signal choice limited to the workspace, and the JSON editor. */
export const useTrainForm = (signals: readonly Signal[]): TrainFormState => {
  const { displayZone } = useServices();
  const [form, setForm] = useState<TrainForm>(() => defaultTrainForm(signals));
  // The signal list may still be loading when the dialog opens: take the defaults from the first non-empty one.
  const [seeded, setSeeded] = useState(signals.length > 0);
  if (!seeded && signals.length > 0) {
    setSeeded(true);
    setForm(defaultTrainForm(signals));
  }
  const [advanced, setAdvancedState] = useState(false);
  const [jsonText, setJsonText] = useState('');

  const allAssets = useMemo(() => assetNames(signals), [signals]);
  const chosenAssets = useMemo(() => selectedAssets(form, allAssets), [form, allAssets]);
  const availableTags = useMemo(() => tagsOnAssets(signals, chosenAssets), [signals, chosenAssets]);
  const labelCandidates = useMemo(() => labelCandidateTags(signals, chosenAssets), [signals, chosenAssets]);
  const labelColumns = useMemo(() => labelColumnChoices(signals, chosenAssets), [signals, chosenAssets]);
  // Choosing assets on the other time axis brings that axis's units (a "7 d" horizon means nothing in cycles).
  const timeKind = useMemo(() => timeKindOf(signals, chosenAssets), [signals, chosenAssets]);
  if (chosenAssets.length > 0 && timeKind !== form.timeKind) setForm({ ...form, ...unitDefaults(timeKind) });
  const chosenSignals = useMemo(
    () => availableTags.filter((t) => form.signals.includes(t)),
    [availableTags, form.signals],
  );

  const setField = useCallback(
    <K extends keyof TrainForm>(key: K, value: TrainForm[K]) => setForm((f) => ({ ...f, [key]: value })),
    [],
  );
  const setTask = useCallback((task: TaskKind) => setForm((f) => withTask(f, task)), []);
  const setModel = useCallback((model: ModelType) => setForm((f) => withModel(f, model)), []);
  const toggleSignal = useCallback(
    (tag: string) =>
      setForm((f) => ({
        ...f,
        signals: f.signals.includes(tag) ? f.signals.filter((t) => t !== tag) : [...f.signals, tag],
      })),
    [],
  );
  const setAllSignals = useCallback(
    // "All" means every measurement: candidate label columns stay out unless ticked one by one.
    (all: boolean) =>
      setForm((f) => ({ ...f, signals: all ? availableTags.filter((t) => !labelCandidates.includes(t)) : [] })),
    [availableTags, labelCandidates],
  );
  const toggleAsset = useCallback(
    (name: string) =>
      setForm((f) => ({
        ...f,
        assetNames: f.assetNames.includes(name) ? f.assetNames.filter((a) => a !== name) : [...f.assetNames, name],
      })),
    [],
  );

  const formResult = useMemo(
    () => formToConfig({ ...form, signals: chosenSignals }, displayZone),
    [form, chosenSignals, displayZone],
  );

  const setAdvanced = useCallback(
    (on: boolean) => {
      // Entering the editor starts from the form's config (every default spelled out); leaving keeps the form.
      if (on)
        setJsonText(
          'config' in formResult
            ? configToJson(formResult.config)
            : configToJson(formToJsonFallback(form, chosenSignals)),
        );
      setAdvancedState(on);
    },
    [formResult, form, chosenSignals],
  );

  const result = useMemo(() => (advanced ? parseConfigJson(jsonText) : formResult), [advanced, jsonText, formResult]);

  return {
    form,
    allAssets,
    chosenAssets,
    availableTags,
    labelCandidates,
    labelColumns,
    chosenSignals,
    setField,
    setTask,
    setModel,
    toggleSignal,
    setAllSignals,
    toggleAsset,
    advanced,
    jsonText,
    setJsonText,
    setAdvanced,
    result,
  };
};

/** A config skeleton for the editor when the form itself is not valid yet (the user fixes it in JSON). */
const formToJsonFallback = (form: TrainForm, signals: readonly string[]): TrainConfigInput =>
  ({
    name: form.name,
    dataset: {
      assets: form.assetMode === 'prefix' ? { prefix: form.assetPrefix } : { names: [...form.assetNames] },
      signals: [...signals],
      window: { length: Number(form.windowLength), stride: Number(form.windowStride) },
      label: { kind: form.task },
    },
    model: { type: form.modelType },
    backend: form.backend,
  }) as TrainConfigInput;
