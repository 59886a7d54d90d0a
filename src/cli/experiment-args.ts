import {
  noPositionals,
  parseSubcommand,
  stringOption,
  UsageError,
  type OptionSpec,
  type Parsed,
  type ScannedOptions,
} from './options.ts';

// The arguments of `argmax experiment list | show | export | import`. These commands talk to a
// running server over its API: --url (ARGMAX_URL) and --token (ARGMAX_TOKEN) say which and as
// whom.

const commandNames = ['list', 'show', 'export', 'import'] as const;
type CommandName = (typeof commandNames)[number];

export const defaultUrl = 'http://127.0.0.1:8080';

export interface Connection {
  url: string;
  token: string;
}

/** What each command was asked to do, before the connection is added. */
type CommandFields =
  | { command: 'list'; state: 'active' | 'deleted' | 'all'; json: boolean }
  | { command: 'show'; id: string; observations: number; json: boolean }
  | { command: 'export'; id: string; format: 'csv' | 'json'; output: string | null }
  | { command: 'import'; id: string; file: string; batchSize: number };

export type ExperimentCommand = CommandFields & { connection: Connection };

export type ParsedExperimentArguments = Parsed<ExperimentCommand>;

const connectionHelp = `  --url URL           the server (default: ARGMAX_URL, or ${defaultUrl})
  --token TOKEN       the API token (default: ARGMAX_TOKEN)`;

export const experimentUsage = `Usage: argmax experiment <command> [options]

Shows, exports and imports experiments on a running server, over its API.

Commands:
  list                list the experiments: budget used, best value, open suggestions
  show ID             one experiment in detail
  export ID           its observations as CSV or JSON
  import ID FILE      observations from a CSV file, e.g. to warm-start from past runs

Options of every command:
${connectionHelp}
  -h, --help          show help

Run "argmax experiment <command> --help" for the options of a command.
`;

const commandUsage: Record<CommandName, string> = {
  list: `Usage: argmax experiment list [--state active|deleted|all] [--json]

Lists the experiments, newest first: id, name, state, budget used (observations of the budget),
the best value so far, open suggestions, and a sparkline of the best value after each
observation.

Options:
  --state STATE       active (the default), deleted or all
  --json              one JSON array, for scripts
${connectionHelp}
  -h, --help          show this help
`,
  show: `Usage: argmax experiment show ID [--observations N] [--json]

Shows one experiment: its parameters, metrics, budget and progress, the best assignments and
value, its open suggestions, a sparkline of the best value so far, and its latest observations.

Options:
  --observations N    how many of the latest observations to show (default 5)
  --json              one JSON object, for scripts
${connectionHelp}
  -h, --help          show this help
`,
  export: `Usage: argmax experiment export ID [--format csv|json] [--output FILE]

Writes every observation of the experiment, oldest first. CSV has a column for each parameter
and each metric, then failed, suggestion and created; "argmax experiment import" reads it back.

Options:
  --format FORMAT     csv (the default) or json
  --output FILE       write to FILE instead of standard output
${connectionHelp}
  -h, --help          show this help
`,
  import: `Usage: argmax experiment import ID FILE [--batch-size N]

Reads observations from FILE ("-" for standard input), a CSV file in the layout export writes:
a column for each parameter, by name, and for each metric's value; failed (true or false),
<metric>_stddev and metadata (JSON) are optional, id, suggestion and created are ignored. Every
row is checked against the experiment before anything is sent: a bad row stores nothing.

Options:
  --batch-size N      observations per request, 1 to 2500 (default 500)
${connectionHelp}
  -h, --help          show this help
`,
};

const connectionOptions: OptionSpec = { url: true, token: true };

const optionsOf: Record<CommandName, OptionSpec> = {
  list: { state: true, json: false, ...connectionOptions },
  show: { observations: true, json: false, ...connectionOptions },
  export: { format: true, output: true, ...connectionOptions },
  import: { 'batch-size': true, ...connectionOptions },
};

export function parseExperimentArguments(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): ParsedExperimentArguments {
  return parseSubcommand(argv, {
    names: commandNames,
    usage: experimentUsage,
    usageOf: commandUsage,
    optionsOf,
    build: (name, scanned) => ({
      ...commandFields(name, scanned),
      connection: connectionOf(scanned, env),
    }),
  });
}

function commandFields(command: CommandName, scanned: ScannedOptions): CommandFields {
  switch (command) {
    case 'list':
      noPositionals(command, scanned.positionals);
      return { command, state: stateOf(scanned), json: scanned.values.has('json') };
    case 'show': {
      const [id] = positionals(command, scanned, ['ID']);
      const observations = countOf(scanned, 'observations', 0, 1000) ?? 5;
      return { command, id, observations, json: scanned.values.has('json') };
    }
    case 'export': {
      const [id] = positionals(command, scanned, ['ID']);
      const output = stringOption(scanned, 'output') ?? null;
      return { command, id, format: formatOf(scanned), output };
    }
    case 'import': {
      const [id, file] = positionals(command, scanned, ['ID', 'FILE']);
      const batchSize = countOf(scanned, 'batch-size', 1, 2500) ?? 500;
      return { command, id, file, batchSize };
    }
  }
}

function connectionOf(scanned: ScannedOptions, env: NodeJS.ProcessEnv): Connection {
  const url = stringOption(scanned, 'url') ?? (env.ARGMAX_URL || defaultUrl);
  if (!/^https?:\/\/[^/\s]+/.test(url)) {
    throw new UsageError(
      `--url must be an http:// or https:// address, not ${JSON.stringify(url)}`,
    );
  }
  const token = stringOption(scanned, 'token') ?? (env.ARGMAX_TOKEN || undefined);
  if (token === undefined) {
    throw new UsageError('no API token: pass --token TOKEN or set ARGMAX_TOKEN');
  }
  return { url, token };
}

/** The command's plain arguments, exactly as many as named; the first is an experiment id. */
function positionals<N extends string[]>(
  command: CommandName,
  scanned: ScannedOptions,
  names: [...N],
): { [K in keyof N]: string } {
  const given = scanned.positionals;
  if (given.length < names.length) {
    throw new UsageError(`${command} needs ${names.slice(given.length).join(' and ')}`);
  }
  if (given.length > names.length) {
    throw new UsageError(
      `${command} takes ${names.join(' ')}; also given: ${given.slice(names.length).join(' ')}`,
    );
  }
  const id = given[0] ?? '';
  if (!/^[1-9][0-9]{0,18}$/.test(id)) {
    throw new UsageError(
      `ID must be an experiment id, a positive whole number as "experiment list" shows it, not ${JSON.stringify(id)}`,
    );
  }
  return given as { [K in keyof N]: string };
}

const states = ['active', 'deleted', 'all'] as const;

function stateOf(scanned: ScannedOptions): (typeof states)[number] {
  const state = stringOption(scanned, 'state') ?? 'active';
  const found = states.find((candidate) => candidate === state);
  if (found === undefined) {
    throw new UsageError(`--state must be active, deleted or all, not ${JSON.stringify(state)}`);
  }
  return found;
}

function formatOf(scanned: ScannedOptions): 'csv' | 'json' {
  const format = stringOption(scanned, 'format') ?? 'csv';
  if (format !== 'csv' && format !== 'json') {
    throw new UsageError(`--format must be csv or json, not ${JSON.stringify(format)}`);
  }
  return format;
}

function countOf(
  scanned: ScannedOptions,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const text = stringOption(scanned, name);
  if (text === undefined) return undefined;
  const value = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new UsageError(
      `--${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(text)}`,
    );
  }
  return value;
}
