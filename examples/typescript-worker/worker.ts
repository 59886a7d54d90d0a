// Tunes a small neural network, trained in plain TypeScript, with argmax: several
// workers in this process share one experiment, a diverged training is reported as a
// failed observation, and the best assignments are printed at the end.
//
//   ARGMAX_URL=http://127.0.0.1:8080 ARGMAX_TOKEN=<token> npx tsx examples/typescript-worker/worker.ts
import { parseArgs } from 'node:util';
import { Client, type ExperimentFields } from '../../clients/typescript/src/index.ts';
import { spirals, split } from './data.ts';
import { type Hyperparameters, train } from './model.ts';

const usage = `usage: worker.ts [--name NAME] [--budget N] [--workers N] [--max-epochs N]
  --name        the experiment, created or resumed by name (typescript-mlp)
  --budget      observations in all, every worker's counted (40)
  --workers     concurrent workers in this process (4)
  --max-epochs  the largest number of epochs the search may pick (100)
The server is ARGMAX_URL (http://127.0.0.1:8080), the token ARGMAX_TOKEN.`;

interface Options {
  name: string;
  budget: number;
  workers: number;
  maxEpochs: number;
}

function integer(option: string, text: string, least: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < least) {
    throw new RangeError(`--${option}: expected an integer of at least ${least}, got "${text}"`);
  }
  return value;
}

/** The options, or undefined for --help. */
export function parseOptions(args: string[]): Options | undefined {
  const { values } = parseArgs({
    args,
    options: {
      name: { type: 'string', default: 'typescript-mlp' },
      budget: { type: 'string', default: '40' },
      workers: { type: 'string', default: '4' },
      'max-epochs': { type: 'string', default: '100' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return undefined;
  return {
    name: values.name,
    budget: integer('budget', values.budget, 1),
    workers: integer('workers', values.workers, 1),
    maxEpochs: integer('max-epochs', values['max-epochs'], 2),
  };
}

/** The search space: learning rate and L2 on a log scale, sizes, and the activation. */
export function experimentFields(options: Options): Omit<ExperimentFields, 'name'> {
  return {
    parameters: [
      {
        name: 'learning_rate',
        type: 'double',
        bounds: { min: 1e-3, max: 100 },
        transformation: 'log',
      },
      { name: 'l2', type: 'double', bounds: { min: 1e-6, max: 0.1 }, transformation: 'log' },
      { name: 'epochs', type: 'int', bounds: { min: 1, max: options.maxEpochs } },
      { name: 'hidden_units', type: 'int', bounds: { min: 2, max: 32 } },
      { name: 'batch_size', type: 'int', bounds: { min: 8, max: 128 } },
      { name: 'activation', type: 'categorical', categorical_values: ['tanh', 'relu'] },
    ],
    metrics: [
      { name: 'accuracy', objective: 'maximize' },
      { name: 'train_loss', strategy: 'store' },
    ],
    observation_budget: options.budget,
    parallel_bandwidth: options.workers,
    // A worker that dies gives its point back to the others after a minute.
    suggestion_lease_seconds: 60,
  };
}

function hyperparameters(assignments: Record<string, number | string>): Hyperparameters {
  const activation = assignments.activation;
  if (activation !== 'tanh' && activation !== 'relu') {
    throw new TypeError(`activation: expected tanh or relu, got ${String(activation)}`);
  }
  return {
    learning_rate: Number(assignments.learning_rate),
    l2: Number(assignments.l2),
    epochs: Number(assignments.epochs),
    hidden_units: Number(assignments.hidden_units),
    batch_size: Number(assignments.batch_size),
    activation,
  };
}

const describe = (h: Hyperparameters) =>
  `lr=${h.learning_rate.toPrecision(3)} l2=${h.l2.toExponential(1)} epochs=${h.epochs} ` +
  `hidden=${h.hidden_units} batch=${h.batch_size} ${h.activation}`;

export async function main(args: string[]): Promise<void> {
  const options = parseOptions(args);
  if (!options) {
    console.log(usage);
    return;
  }
  const client = new Client({ onWarning: (message) => console.error(message) });
  const experiment = await client.createOrResume(options.name, experimentFields(options));
  const data = split(spirals(600, { turns: 1 }));
  console.log(
    `experiment ${experiment.id} (${experiment.name}): ${experiment.budgetUsed} of ${options.budget} observed`,
  );

  const summary = await experiment.run(
    async (assignments, trial) => {
      const h = hyperparameters(assignments);
      const fit = await train(data, h);
      console.log(`trial ${trial.id}: accuracy ${fit.accuracy.toFixed(4)}  ${describe(h)}`);
      return fit;
    },
    { workers: options.workers },
  );

  console.log(`${summary.reported} trials reported here, ${summary.failed} of them failed`);
  for (const best of await experiment.bestAssignments()) {
    const accuracy = best.values.find((value) => value.name === 'accuracy')?.value;
    console.log(`best accuracy ${accuracy?.toFixed(4)}: ${JSON.stringify(best.assignments)}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    if (error instanceof RangeError || error instanceof TypeError) console.error(usage);
    process.exitCode = 1;
  });
}
