import * as tf from '@tensorflow/tfjs';
import { conv1dForwardOnly } from './conv1d-grad.js';

/**
 * A Conv1D layer that trains on every backend. tfjs's own Conv1D goes through Conv2D, whose gradient kernels
 * (Conv2DBackpropFilter / Conv2DBackpropInput) the wasm backend lacks, so a 1D-CNN could not train there. On wasm
 * this layer runs conv1d-grad.ts (forward and backward as XNNPACK convolutions under a custom gradient, ~4x less
 * CPU per step than im2col there); elsewhere its forward pass is im2col + one matMul, so its gradients need only
 * Pad, Slice, Concat, Reshape and (fused) MatMul: kernels every tfjs backend has.
 *
 * It is a subclass of tfjs's Conv1D with the same weights (kernel [kernelSize, inChannels, filters], bias) and the
 * same class name in model.json, so a saved model is a plain Conv1D model: it loads anywhere (tfjs, Keras) and
 * scores with the backend's native convolution. Pure tfjs (no node:*), so browser bundles can use it too.
 */

type ConvArgs = Parameters<typeof tf.layers.conv1d>[0];

/** The Conv internals this layer reads; tfjs keeps them protected, the shapes are stable since tfjs 1.x. */
interface ConvInternals {
  readonly kernel: tf.LayerVariable;
  readonly bias: tf.LayerVariable | null;
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly dilationRate: readonly number[];
  readonly padding: 'valid' | 'same' | 'causal';
  readonly dataFormat: 'channelsFirst' | 'channelsLast';
  readonly filters: number;
  readonly activation: { getClassName(): string; apply(x: tf.Tensor): tf.Tensor };
}

type LayerCall = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];

/** The graph node internals read to tell whether a layer's input is the model's input (tfjs keeps them internal). */
interface GraphInternals {
  readonly inboundNodes: readonly { readonly inboundLayers: readonly { getClassName(): string }[] }[];
}

/**
 * True when every call of this layer in a model graph reads the model's input (the training windows, which never
 * need a gradient). A layer used outside a graph has no inbound nodes and gets its input gradient as usual.
 */
const readsModelInput = (layer: tf.layers.Layer): boolean => {
  const nodes = (layer as unknown as GraphInternals).inboundNodes;
  return nodes.length > 0 && nodes.every((n) => n.inboundLayers.every((l) => l.getClassName() === 'InputLayer'));
};

// tfjs does not export the Conv1D class itself, only its factory: take the constructor from an instance.
const Conv1DBase = tf.layers.conv1d({ filters: 1, kernelSize: 1 }).constructor as new (
  args: ConvArgs,
) => tf.layers.Layer;

/** Activations tf.fused.matMul applies (with gradients) inside the same kernel. */
const FUSED = new Set(['relu', 'linear']);

/** Left and right zero padding along time for 'same' (stride 1): TF puts the odd one on the right. */
export const timePadding = (padding: 'same' | 'valid', span: number): [number, number] => {
  switch (padding) {
    case 'same':
      return [Math.floor((span - 1) / 2), span - 1 - Math.floor((span - 1) / 2)];
    case 'valid':
      return [0, 0];
  }
};

/**
 * The im2col form of a stride-1 Conv1D over x [batch, time, channels]: the k shifted views of the padded input are
 * laid side by side ([batch * time, k * channels], tap-major like the kernel's reshape), then one matMul with
 * the kernel as [k * channels, filters] does the whole convolution.
 */
export const conv1dByMatMul = (
  x: tf.Tensor3D,
  kernel: tf.Tensor3D,
  bias: tf.Tensor1D | null,
  padding: 'same' | 'valid',
  dilation: number,
  activation: 'relu' | 'linear',
): tf.Tensor3D =>
  tf.tidy(() => {
    const [k, channels, filters] = kernel.shape;
    const span = (k - 1) * dilation + 1;
    const [left, right] = timePadding(padding, span);
    const padded =
      left + right > 0
        ? tf.pad(x, [
            [0, 0],
            [left, right],
            [0, 0],
          ])
        : x;
    const outLen = (padded.shape[1] as number) - span + 1;
    const taps = Array.from({ length: k }, (_, j) => tf.slice(padded, [0, j * dilation, 0], [-1, outLen, -1]));
    const cols = k === 1 ? (taps[0] as tf.Tensor3D) : tf.concat(taps, 2);
    const y = tf.fused.matMul({
      a: tf.reshape(cols, [-1, k * channels]),
      b: tf.reshape(kernel, [k * channels, filters]),
      bias: bias ?? undefined,
      activation,
    });
    return tf.reshape(y, [-1, outLen, filters]);
  });

export class MatMulConv1D extends Conv1DBase {
  /** Saved as a plain Conv1D (see the file comment). */
  static readonly className = 'Conv1D';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const self = this as unknown as ConvInternals;
    const padding = self.padding;
    if ((self.strides[0] ?? 1) !== 1 || self.dataFormat !== 'channelsLast' || padding === 'causal') {
      // Not a layer the models here build; tfjs's own code handles it (or refuses it) exactly as before.
      return (Conv1DBase.prototype as unknown as { call: LayerCall }).call.call(this, inputs, kwargs);
    }
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const name = self.activation.getClassName().toLowerCase();
      const fused = FUSED.has(name) ? (name as 'relu' | 'linear') : 'linear';
      const dilation = self.dilationRate[0] ?? 1;
      const kernel = self.kernel.read() as tf.Tensor3D;
      const bias = (self.bias?.read() ?? null) as tf.Tensor1D | null;
      let y: tf.Tensor3D;
      if (tf.getBackend() === 'wasm') {
        // On wasm, forward and backward as XNNPACK convolutions (conv1d-grad.ts): 4-5x faster steps than im2col.
        const [left, right] = timePadding(padding, ((self.kernelSize[0] ?? 1) - 1) * dilation + 1);
        y = conv1dForwardOnly(x, kernel, bias, { left, right, dilation, activation: fused }, !readsModelInput(this));
      } else {
        y = conv1dByMatMul(x, kernel, bias, padding, dilation, fused);
      }
      return FUSED.has(name) ? y : self.activation.apply(y);
    });
  }
}

/** Drop-in for tf.layers.conv1d that trains on every backend. */
export const conv1dLayer = (args: ConvArgs): tf.layers.Layer => new MatMulConv1D(args);
