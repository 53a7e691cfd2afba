import { z } from 'zod';
import { RegistryError } from './errors.js';
import { checkFileName } from './names.js';

/**
 * Just enough of the TF.js layers format (model.json) to know which weight files belong to a model and
 * how many bytes each group must hold, so a truncated or mismatched weights file is refused at publish
 * time without loading TensorFlow.js.
 */
const WeightSpecSchema = z.object({
  name: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.string(),
  quantization: z.object({ dtype: z.string() }).loose().optional(),
});

export const TfjsModelJsonSchema = z
  .object({
    format: z.string().optional(),
    modelTopology: z.unknown(),
    weightsManifest: z.array(z.object({ paths: z.array(z.string()).min(1), weights: z.array(WeightSpecSchema) })),
  })
  .loose();
export type TfjsModelJson = z.infer<typeof TfjsModelJsonSchema>;

const BYTES_PER_ELEMENT: Readonly<Record<string, number>> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  int8: 1,
  uint16: 2,
  int16: 2,
  float16: 2,
};

export interface WeightGroup {
  readonly paths: readonly string[];
  /** Null when a dtype has no fixed size (string tensors): the size check is skipped for that group. */
  readonly expectedBytes: number | null;
}

export const parseTfjsModel = (text: string, source = 'model.json'): WeightGroup[] => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RegistryError('invalid-argument', `${source} is not JSON`);
  }
  const parsed = TfjsModelJsonSchema.safeParse(json);
  if (!parsed.success) {
    throw new RegistryError(
      'invalid-argument',
      `${source} is not a TF.js layers model: ${parsed.error.issues[0]?.message ?? ''}`,
    );
  }
  if (parsed.data.format !== undefined && parsed.data.format !== 'layers-model') {
    throw new RegistryError('invalid-argument', `${source}: format "${parsed.data.format}" is not "layers-model"`);
  }
  if (parsed.data.modelTopology === undefined || parsed.data.modelTopology === null) {
    throw new RegistryError('invalid-argument', `${source} has no modelTopology`);
  }
  return parsed.data.weightsManifest.map((group) => {
    let expected: number | null = 0;
    for (const weight of group.weights) {
      const size = BYTES_PER_ELEMENT[weight.quantization?.dtype ?? weight.dtype];
      if (size === undefined || expected === null) {
        expected = null;
        continue;
      }
      expected += weight.shape.reduce((a, b) => a * b, 1) * size;
    }
    return { paths: group.paths.map((p) => checkFileName(p)), expectedBytes: expected };
  });
};
