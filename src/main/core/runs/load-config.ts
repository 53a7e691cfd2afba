import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { TrainConfigSchema, type TrainConfig } from '../../../shared/training.js';

/** Parse and validate a training config; every problem is reported with its JSON path. */
export const parseTrainConfig = (raw: unknown): TrainConfig => {
  const parsed = TrainConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`invalid training config: ${issues.join('; ')}`);
  }
  return parsed.data;
};

export const readTrainConfig = async (file: string): Promise<{ config: TrainConfig; baseDir: string }> => {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not a readable JSON file (${error instanceof Error ? error.message : String(error)})`);
  }
  return { config: parseTrainConfig(raw), baseDir: dirname(resolve(file)) };
};

/** evaluation.finalRul as numbers: inline, or read from a file (one number per line, e.g. C-MAPSS RUL_FD001.txt). */
export const resolveFinalRul = async (config: TrainConfig, baseDir: string): Promise<number[] | null> => {
  const source = config.evaluation?.finalRul;
  if (source === undefined) return null;
  if (Array.isArray(source)) return source;
  const path = isAbsolute(source) ? source : resolve(baseDir, source);
  const text = await readFile(path, 'utf8').catch(() => {
    throw new Error(`evaluation.finalRul: cannot read ${path}`);
  });
  const values = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map(Number);
  const bad = values.findIndex((v) => !Number.isFinite(v) || v < 0);
  if (bad >= 0) throw new Error(`evaluation.finalRul: ${path} line ${bad + 1} is not a non-negative number`);
  return values;
};
