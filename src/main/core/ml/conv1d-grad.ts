import * as tf from '@tensorflow/tfjs';

/**
 * A stride-1, channels-last 1D convolution (+ bias + relu/linear) whose forward AND backward passes are forward
 * 2D convolutions, the one convolution kernel the wasm backend has (XNNPACK). tfjs's own conv gradient needs
 * Conv2DBackpropInput / Conv2DBackpropFilter, which wasm lacks; the im2col form (conv1d-matmul.ts) trains there
 * but spends most of a step moving data: per layer and step a pad, k slices and a concat forward, and a split,
 * k pads and k adds backward (FD001 1D-CNN: about 380 kernels per step, most of the time outside the matMuls).
 *
 * With x [B, T, C], kernel W [k, C, F], dilation d, span s = (k-1)d + 1 and time padding (l, r):
 *   y[b,t,f]  = act(b_f + sum_j sum_c x[b, t - l + j d, c] W[j,c,f])            one FusedConv2D (bias, relu fused)
 *   dz        = dy * (y > 0) for relu, dy for linear;  db = sum over b, t of dz
 *   dW[j,c,f] = sum_b sum_t xpad[b, t + j d, c] dz[b,t,f]                        a conv2d with the batch as input
 *               channels: input x^T [C, 1, T, B] (padded l, r), filter dz^T [1, T', B, F], stride d -> [C, 1, k, F]
 *   dx        = dz convolved with W reversed in time and transposed to [k, F, C], padding (s-1-l, s-1-r)
 * The input gradient is skipped when the caller says nobody needs it (the layer fed by the model's input: the
 * training data), which saves a third of the backward work of the first layer.
 */

export type Conv1DActivation = 'relu' | 'linear';

export interface Conv1DSpec {
  readonly left: number;
  readonly right: number;
  readonly dilation: number;
  readonly activation: Conv1DActivation;
}

const conv = (
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  left: number,
  right: number,
  stride: number,
  dilation: number,
  bias: tf.Tensor1D | null,
  activation: Conv1DActivation,
): tf.Tensor4D =>
  // The kernel directly: tf.fused.conv2d would unfuse bias and relu while a gradient is being recorded, and this
  // runs inside customGrad, whose inner ops are never recorded.
  tf.engine().runKernel('FusedConv2D', bias === null ? { x, filter } : { x, filter, bias }, {
    strides: [1, stride],
    pad: [
      [0, 0],
      [0, 0],
      [left, right],
      [0, 0],
    ],
    dataFormat: 'NHWC',
    dilations: [1, dilation],
    activation,
  } as unknown as tf.NamedAttrMap) as tf.Tensor4D;

const forward = (x: tf.Tensor3D, kernel: tf.Tensor3D, bias: tf.Tensor1D | null, spec: Conv1DSpec): tf.Tensor3D => {
  const [batch, time, channels] = x.shape;
  const [k, , filters] = kernel.shape;
  const y = conv(
    tf.reshape(x, [batch, 1, time, channels]),
    tf.reshape(kernel, [1, k, channels, filters]),
    spec.left,
    spec.right,
    1,
    spec.dilation,
    bias,
    spec.activation,
  );
  return tf.reshape(y, [batch, y.shape[2], filters]);
};

const kernelGradient = (x: tf.Tensor3D, dz: tf.Tensor3D, k: number, spec: Conv1DSpec): tf.Tensor3D => {
  const [batch, time, channels] = x.shape;
  const [, outLen, filters] = dz.shape;
  const xt = tf.reshape(tf.transpose(x, [2, 1, 0]), [channels, 1, time, batch]) as tf.Tensor4D;
  const dzt = tf.reshape(tf.transpose(dz, [1, 0, 2]), [1, outLen, batch, filters]) as tf.Tensor4D;
  const g = conv(xt, dzt, spec.left, spec.right, spec.dilation, 1, null, 'linear'); // [C, 1, k, F]
  return tf.transpose(tf.reshape(g, [channels, k, filters]), [1, 0, 2]);
};

const inputGradient = (dz: tf.Tensor3D, kernel: tf.Tensor3D, spec: Conv1DSpec): tf.Tensor3D => {
  const [batch, outLen, filters] = dz.shape;
  const [k, channels] = kernel.shape;
  const span = (k - 1) * spec.dilation + 1;
  const flipped = tf.reshape(tf.transpose(tf.reverse(kernel, 0), [0, 2, 1]), [1, k, filters, channels]) as tf.Tensor4D;
  const g = conv(
    tf.reshape(dz, [batch, 1, outLen, filters]),
    flipped,
    span - 1 - spec.left,
    span - 1 - spec.right,
    1,
    spec.dilation,
    null,
    'linear',
  );
  return tf.reshape(g, [batch, g.shape[2], channels]);
};

/**
 * y = act(conv1d(x, kernel) + bias), differentiable on every backend through forward convolutions only.
 * `withInputGradient: false` treats x as a constant (no gradient flows to it).
 */
export const conv1dForwardOnly = (
  x: tf.Tensor3D,
  kernel: tf.Tensor3D,
  bias: tf.Tensor1D | null,
  spec: Conv1DSpec,
  withInputGradient: boolean,
): tf.Tensor3D => {
  const k = kernel.shape[0];
  const backward = (dy: tf.Tensor, y: tf.Tensor, xs: tf.Tensor3D, w: tf.Tensor3D) => {
    const dz = (spec.activation === 'relu' ? tf.mul(dy, tf.step(y)) : dy) as tf.Tensor3D;
    const grads: tf.Tensor[] = [];
    if (withInputGradient) grads.push(inputGradient(dz, w, spec));
    grads.push(kernelGradient(xs, dz, k, spec));
    if (bias !== null) grads.push(tf.sum(dz, [0, 1]));
    return grads;
  };
  // customGrad needs one argument list: the tensors that receive gradients, then `save`.
  const op = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const tensors = args as tf.Tensor[];
    const [xs, w, b] = withInputGradient
      ? (tensors as [tf.Tensor3D, tf.Tensor3D, tf.Tensor1D | undefined])
      : ([x, ...tensors] as [tf.Tensor3D, tf.Tensor3D, tf.Tensor1D | undefined]);
    const value = forward(xs, w, b ?? null, spec);
    save([value, xs, w]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        backward(dy, saved[0] as tf.Tensor, saved[1] as tf.Tensor3D, saved[2] as tf.Tensor3D),
    };
  }) as Parameters<typeof tf.customGrad>[0]);
  const inputs = [...(withInputGradient ? [x] : []), kernel, ...(bias === null ? [] : [bias])];
  return op(...inputs) as tf.Tensor3D;
};
