import * as tf from '@tensorflow/tfjs';

/** The TF.js layers-model file format (model.json + one weights file), as tf.io's file handlers write it. */
export const WEIGHTS_FILE = 'weights.bin';

export const serialiseModel = async (model: tf.LayersModel): Promise<{ modelJson: string; weights: Uint8Array }> => {
  let captured: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const artifacts = captured as tf.io.ModelArtifacts | null;
  if (artifacts === null || artifacts.weightData === undefined) throw new Error('model could not be serialised');
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
  const modelJson = JSON.stringify({
    modelTopology: artifacts.modelTopology,
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    convertedBy: null,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
  });
  return { modelJson, weights };
};

/** Load a model saved by serialiseModel from its two files' contents (no file:// handler needed in Node). */
export const deserialiseModel = async (modelJson: string, weights: Uint8Array): Promise<tf.LayersModel> => {
  const parsed = JSON.parse(modelJson) as {
    modelTopology: tf.io.ModelArtifacts['modelTopology'];
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  };
  const buffer = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: parsed.modelTopology,
      weightSpecs: parsed.weightsManifest.flatMap((m) => m.weights),
      weightData: buffer,
    }),
  );
};
