import { readFileSync, writeFileSync } from 'node:fs';

import { ApiError, Client, NetworkError } from '../../clients/typescript/src/index.ts';
import {
  parseExperimentArguments,
  type Connection,
  type ExperimentCommand,
} from './experiment-args.ts';
import { bestSoFar, byCreation } from './best-so-far.ts';
import {
  formatExperimentDetails,
  formatExperimentList,
  summarize,
  type ExperimentSummary,
} from './experiment-view.ts';
import { LayoutError, observationsToCsv } from './observations-csv.ts';
import { readObservationsCsv } from './observations-import.ts';
import { startProgress } from './progress.ts';
import { styleFor } from './style.ts';

// `argmax experiment list | show | export | import`, over the API of a running server. Exit
// codes: 0 done, 1 the server refused or could not be reached, 2 a usage mistake or a file
// that cannot be imported.

type Command<C extends ExperimentCommand['command']> = Extract<ExperimentCommand, { command: C }>;

/** A mistake of the user's that stops the command with exit code 2. */
class InputError extends Error {}

const prefix = 'argmax experiment';

export async function experimentMain(argv: readonly string[]): Promise<number> {
  const parsed = parseExperimentArguments(argv, process.env);
  switch (parsed.kind) {
    case 'help':
      process.stdout.write(parsed.text);
      return 0;
    case 'usage-error':
      console.error(`${prefix}: ${parsed.message}\n\n${parsed.usage}`);
      return 2;
    case 'command':
      break;
  }

  const { command } = parsed;
  try {
    const client = connect(command.connection);
    await run(command, client);
    return 0;
  } catch (error) {
    if (error instanceof InputError) {
      console.error(`${prefix} ${command.command}: ${error.message}`);
      return 2;
    }
    console.error(`${prefix} ${command.command}: ${failure(error, command.connection)}`);
    return 1;
  }
}

function run(command: ExperimentCommand, client: Client): Promise<void> {
  switch (command.command) {
    case 'list':
      return list(command, client);
    case 'show':
      return show(command, client);
    case 'export':
      return exportObservations(command, client);
    case 'import':
      return importObservations(command, client);
  }
}

/** A terminal waits a few seconds at most for an unreachable server, not the client's minute. */
const retry = { maxAttempts: 3, baseDelayMs: 250 };

function connect(connection: Connection): Client {
  try {
    return new Client({ ...connection, retry, onWarning: () => {} });
  } catch (error) {
    if (error instanceof TypeError) throw new InputError(error.message);
    throw error;
  }
}

function failure(error: unknown, connection: Connection): string {
  if (error instanceof NetworkError) return `cannot reach the server: ${error.message}`;
  if (error instanceof ApiError && error.status === 401) {
    return `the server at ${connection.url} refused the token (${error.message}); pass --token or set ARGMAX_TOKEN`;
  }
  if (error instanceof ApiError) return `the server answered ${error.status}: ${error.message}`;
  if (error instanceof LayoutError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/** Runs `work` on each item, at most `limit` at a time, keeping the order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) {
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function list(command: Command<'list'>, client: Client): Promise<void> {
  const experiments = await client.listExperiments({ state: command.state });
  const summaries: ExperimentSummary[] = await mapLimited(experiments, 4, async (experiment) => {
    const [observations, open] = await Promise.all([
      client.listObservations(experiment.id),
      client.listSuggestions(experiment.id, { state: 'open' }),
    ]);
    return summarize(experiment, observations, open.length);
  });

  if (command.json) return writeJson(summaries);
  process.stdout.write(formatExperimentList(summaries, styleFor(process.stdout, process.env)));
}

async function show(command: Command<'show'>, client: Client): Promise<void> {
  const experiment = await client.fetchExperiment(command.id);
  const [observations, best, open] = await Promise.all([
    client.listObservations(command.id),
    client.bestAssignments(command.id),
    client.listSuggestions(command.id, { state: 'open' }),
  ]);

  if (command.json) {
    const latest = [...observations].sort(byCreation).slice(-command.observations);
    return writeJson({
      experiment,
      best_assignments: best,
      open_suggestions: open,
      best_so_far: bestSoFar(observations, experiment.metrics),
      observations: command.observations === 0 ? [] : latest,
    });
  }
  const style = styleFor(process.stdout, process.env);
  const details = { experiment, observations, best, open };
  process.stdout.write(formatExperimentDetails(details, command.observations, style));
}

function writeJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

async function exportObservations(command: Command<'export'>, client: Client): Promise<void> {
  const experiment = await client.fetchExperiment(command.id);
  const observations = await client.listObservations(command.id);
  const text =
    command.format === 'csv'
      ? observationsToCsv(experiment, observations)
      : `${JSON.stringify([...observations].sort(byCreation), null, 2)}\n`;

  if (command.output === null) {
    process.stdout.write(text);
    return;
  }
  writeFileSync(command.output, text);
  const count = `${observations.length} observation${observations.length === 1 ? '' : 's'}`;
  console.error(`wrote ${count} of experiment ${experiment.id} to ${command.output}`);
}

function readInput(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new InputError(`cannot read ${file === '-' ? 'standard input' : file}: ${reason}`);
  }
}

async function importObservations(command: Command<'import'>, client: Client): Promise<void> {
  const text = readInput(command.file);
  const experiment = await client.fetchExperiment(command.id);
  const result = readObservationsCsv(text, experiment);
  if (result.kind === 'problems') {
    const name = command.file === '-' ? 'standard input' : command.file;
    const lines = result.problems.map((problem) => `  ${problem}`).join('\n');
    throw new InputError(`${name} cannot be imported, so nothing was stored:\n${lines}`);
  }

  const { observations } = result;
  const progress = startProgress(process.stderr, observations.length, 'observations');
  let stored = 0;
  try {
    for (let start = 0; start < observations.length; start += command.batchSize) {
      const batch = observations.slice(start, start + command.batchSize);
      // The optimizer need not refit until the last batch is in.
      const last = start + command.batchSize >= observations.length;
      await client.createObservations(command.id, batch, { no_optimize: !last });
      stored += batch.length;
      progress.update(stored);
    }
  } catch (error) {
    progress.finish();
    const kept = stored === 0 ? 'nothing was stored' : `the first ${stored} were stored`;
    throw new Error(`${failure(error, command.connection)}; ${kept}`, { cause: error });
  }
  progress.finish();
  console.error(`imported ${stored} observations into experiment ${experiment.id}`);
}
