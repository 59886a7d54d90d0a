// A network with one hidden layer and a sigmoid output, trained by mini-batch gradient
// descent on the cross-entropy with an L2 penalty, in plain TypeScript.
import { type Dataset, seededRandom, type Split } from './data.ts';

export interface Hyperparameters {
  learning_rate: number;
  l2: number;
  epochs: number;
  hidden_units: number;
  batch_size: number;
  activation: 'tanh' | 'relu';
}

export type Fit = {
  /** Share of the validation examples classified right. */
  accuracy: number;
  /** Mean penalized loss over the last epoch. */
  train_loss: number;
};

interface Network {
  hidden: number;
  inputs: number;
  /** hidden x inputs weights, row by row. */
  w1: Float64Array;
  b1: Float64Array;
  w2: Float64Array;
  b2: number;
}

interface Activation {
  f: (z: number) => number;
  /** The derivative, from the pre-activation z. */
  df: (z: number) => number;
}

const activations: Record<Hyperparameters['activation'], Activation> = {
  tanh: { f: Math.tanh, df: (z) => 1 - Math.tanh(z) ** 2 },
  relu: { f: (z) => (z > 0 ? z : 0), df: (z) => (z > 0 ? 1 : 0) },
};

/** log(1 + e^z) without overflow. */
const softplus = (z: number) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Glorot-uniform weights (Glorot and Bengio, 2010), zero biases. */
function initialize(inputs: number, hidden: number, random: () => number): Network {
  const limit = Math.sqrt(6 / (inputs + hidden));
  const draw = () => (2 * random() - 1) * limit;
  return {
    hidden,
    inputs,
    w1: Float64Array.from({ length: hidden * inputs }, draw),
    b1: new Float64Array(hidden),
    w2: Float64Array.from({ length: hidden }, draw),
    b2: 0,
  };
}

/** The pre-activations of the hidden layer, and the output's logit. */
function forward(net: Network, x: Float64Array, act: Activation, z1: Float64Array): number {
  let logit = net.b2;
  for (let j = 0; j < net.hidden; j++) {
    let z = net.b1[j]!;
    for (let k = 0; k < net.inputs; k++) z += net.w1[j * net.inputs + k]! * x[k]!;
    z1[j] = z;
    logit += net.w2[j]! * act.f(z);
  }
  return logit;
}

interface Gradient {
  w1: Float64Array;
  b1: Float64Array;
  w2: Float64Array;
  b2: number;
}

function zeroGradient(net: Network): Gradient {
  return {
    w1: new Float64Array(net.w1.length),
    b1: new Float64Array(net.hidden),
    w2: new Float64Array(net.hidden),
    b2: 0,
  };
}

/** Adds one example's gradient of the cross-entropy; returns its loss. */
function backward(net: Network, x: Float64Array, y: number, act: Activation, grad: Gradient) {
  const z1 = new Float64Array(net.hidden);
  const logit = forward(net, x, act, z1);
  const dLogit = sigmoid(logit) - y;
  grad.b2 += dLogit;
  for (let j = 0; j < net.hidden; j++) {
    grad.w2[j]! += dLogit * act.f(z1[j]!);
    const dz = dLogit * net.w2[j]! * act.df(z1[j]!);
    grad.b1[j]! += dz;
    for (let k = 0; k < net.inputs; k++) grad.w1[j * net.inputs + k]! += dz * x[k]!;
  }
  return softplus(logit) - y * logit;
}

/** One gradient step on the mean over the batch, with weight decay on the weights. */
function step(net: Network, grad: Gradient, size: number, rate: number, l2: number): void {
  for (let i = 0; i < net.w1.length; i++) {
    net.w1[i]! -= rate * (grad.w1[i]! / size + l2 * net.w1[i]!);
  }
  for (let j = 0; j < net.hidden; j++) {
    net.b1[j]! -= (rate * grad.b1[j]!) / size;
    net.w2[j]! -= rate * (grad.w2[j]! / size + l2 * net.w2[j]!);
  }
  net.b2 -= (rate * grad.b2) / size;
}

function penalty(net: Network, l2: number): number {
  let sum = 0;
  for (const w of net.w1) sum += w * w;
  for (const w of net.w2) sum += w * w;
  return (l2 / 2) * sum;
}

function shuffled(count: number, random: () => number): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

function epoch(net: Network, data: Dataset, h: Hyperparameters, random: () => number): number {
  const act = activations[h.activation];
  const order = shuffled(data.inputs.length, random);
  let loss = 0;
  for (let start = 0; start < order.length; start += h.batch_size) {
    const batch = order.slice(start, start + h.batch_size);
    const grad = zeroGradient(net);
    for (const i of batch) loss += backward(net, data.inputs[i]!, data.labels[i]!, act, grad);
    step(net, grad, batch.length, h.learning_rate, h.l2);
  }
  return loss / order.length + penalty(net, h.l2);
}

function accuracy(net: Network, data: Dataset, activation: Activation): number {
  const z1 = new Float64Array(net.hidden);
  let right = 0;
  data.inputs.forEach((x, i) => {
    const predicted = forward(net, x, activation, z1) > 0 ? 1 : 0;
    if (predicted === data.labels[i]) right += 1;
  });
  return right / data.inputs.length;
}

/** Chance level is ln 2 = 0.69: a loss this large (or NaN) means the weights blew up. */
const divergedLoss = 100;

/** Gives the event loop a turn: other workers' requests and lease renewals run meanwhile. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Trains a network and returns its validation accuracy. Throws when the loss blows up
 * (a learning rate too large), which the worker reports as a failed observation.
 */
export async function train(data: Split, h: Hyperparameters, seed = 1): Promise<Fit> {
  const random = seededRandom(seed);
  const net = initialize(data.train.inputs[0]?.length ?? 0, h.hidden_units, random);
  let loss = Number.NaN;
  for (let e = 1; e <= h.epochs; e++) {
    loss = epoch(net, data.train, h, random);
    if (!(loss < divergedLoss)) throw new Error(`training diverged: loss ${loss} at epoch ${e}`);
    await yieldToEventLoop();
  }
  return { accuracy: accuracy(net, data.validation, activations[h.activation]), train_loss: loss };
}
