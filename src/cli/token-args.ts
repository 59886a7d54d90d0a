import { tokenCommand, type TokenCommand } from '../service/control.ts';

// The token command's arguments: a command name, then its options and arguments. Every mistake
// is named in a usage error, which the command reports with exit code 2.

const commandNames = ['create', 'list', 'revoke'] as const;
type CommandName = (typeof commandNames)[number];

export type ParsedArguments =
  | { kind: 'help'; text: string }
  | { kind: 'command'; command: TokenCommand }
  | { kind: 'usage-error'; message: string; usage: string };

export const generalUsage = `Usage: npm run token -- <command> [options]

Manages API tokens. Reads DATABASE_URL and DATA_DIR as the server does, and works while the
server runs.

Commands:
  create --client NAME [--development] [--admin] [--expires SECONDS]
                      create a token and print its value, which is shown only this once
  list [--client NAME]
                      list tokens (never their values)
  revoke ID           revoke the token with this id

Run "npm run token -- <command> --help" for the options of a command.
`;

const commandUsage: Record<CommandName, string> = {
  create: `Usage: npm run token -- create --client NAME [--development] [--admin] [--expires SECONDS]

Creates a token for the client NAME, and the client when it does not exist yet, and prints the
token's value alone on standard output. The value is shown only this once.

Options:
  --client NAME       the client that owns the token (required)
  --development       a development token: its suggestions are random
  --admin             an admin token: it can also create, list and revoke its client's tokens
                      over the API
  --expires SECONDS   the token stops working this many seconds from now (default: never)
  -h, --help          show this help
`,
  list: `Usage: npm run token -- list [--client NAME]

Lists tokens, newest first: id, client, hint (the first characters of the value), permissions,
development, created, expires and revoked. Token values are never shown.

Options:
  --client NAME       only the tokens of this client
  -h, --help          show this help
`,
  revoke: `Usage: npm run token -- revoke ID

Revokes the token with this id (as "list" shows it): it stops working at once.

Options:
  -h, --help          show this help
`,
};

/** Per command: its options, and whether each takes a value. */
const optionsOf: Record<CommandName, Record<string, boolean>> = {
  create: { client: true, development: false, admin: false, expires: true },
  list: { client: true },
  revoke: {},
};

/** The flag or argument a field of a TokenCommand comes from, to name it in errors. */
const sourceOf: Record<string, string> = {
  client: '--client',
  expiresInSeconds: '--expires',
  id: 'ID',
};

class UsageError extends Error {}

export function parseTokenArguments(argv: readonly string[]): ParsedArguments {
  const [first, ...rest] = argv;
  if (first === undefined) return usageError('no command given', generalUsage);
  if (first === 'help' || first === '--help' || first === '-h') return helpFor(rest[0]);
  if (!isCommandName(first)) {
    const problem = first.startsWith('-')
      ? `unknown option ${first}: options come after the command`
      : `unknown command ${JSON.stringify(first)}: the commands are create, list and revoke`;
    return usageError(problem, generalUsage);
  }

  const usage = commandUsage[first];
  try {
    const { values, positionals } = scanOptions(first, rest);
    if (values.has('help')) return { kind: 'help', text: usage };
    return { kind: 'command', command: validated(buildCommand(first, values, positionals)) };
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message, usage);
    throw error;
  }
}

function helpFor(name: string | undefined): ParsedArguments {
  if (name === undefined) return { kind: 'help', text: generalUsage };
  if (isCommandName(name)) return { kind: 'help', text: commandUsage[name] };
  return usageError(`unknown command ${JSON.stringify(name)}`, generalUsage);
}

const usageError = (message: string, usage: string): ParsedArguments => ({
  kind: 'usage-error',
  message,
  usage,
});

const isCommandName = (name: string): name is CommandName =>
  (commandNames as readonly string[]).includes(name);

interface Scanned {
  values: Map<string, string | true>;
  positionals: string[];
}

/** Reads `--name`, `--name value`, `--name=value`, `-h`, and `--` before plain arguments. */
function scanOptions(command: CommandName, args: readonly string[]): Scanned {
  const known = optionsOf[command];
  const values = new Map<string, string | true>();
  const positionals: string[] = [];

  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    if (arg === '--') {
      positionals.push(...args.slice(index + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      values.set('help', true);
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }

    const [name, inline] = splitOption(arg, command);
    if (values.has(name)) throw new UsageError(`--${name} is given more than once`);
    const takesValue = known[name] ?? unknownOption(arg, command);
    if (!takesValue) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      values.set(name, true);
      continue;
    }

    const value = inline ?? args[index + 1];
    if (inline === undefined) index += 1;
    if (value === undefined || value.startsWith('--')) {
      throw new UsageError(`--${name} needs a value`);
    }
    values.set(name, value);
  }
  return { values, positionals };
}

function splitOption(arg: string, command: CommandName): [string, string | undefined] {
  if (!arg.startsWith('--')) unknownOption(arg, command);
  const equals = arg.indexOf('=');
  return equals === -1 ? [arg.slice(2), undefined] : [arg.slice(2, equals), arg.slice(equals + 1)];
}

function unknownOption(arg: string, command: CommandName): never {
  const known = Object.keys(optionsOf[command]).map((name) => `--${name}`);
  const accepted = known.length === 0 ? 'it takes none' : `it takes ${known.join(', ')}`;
  throw new UsageError(`unknown option ${arg} for ${command}: ${accepted}`);
}

function buildCommand(
  command: CommandName,
  values: Map<string, string | true>,
  positionals: string[],
): unknown {
  switch (command) {
    case 'create': {
      noPositionals(command, positionals);
      const client = values.get('client');
      if (client === undefined) throw new UsageError('create needs --client NAME');
      return {
        command,
        client,
        development: values.has('development'),
        admin: values.has('admin'),
        expiresInSeconds: secondsOf(values.get('expires')),
      };
    }
    case 'list':
      noPositionals(command, positionals);
      return { command, client: values.get('client') ?? null };
    case 'revoke': {
      const [id, ...extra] = positionals;
      if (id === undefined) throw new UsageError('revoke needs the ID of a token');
      if (extra.length > 0)
        throw new UsageError(`revoke takes one ID; also given: ${extra.join(' ')}`);
      return { command, id };
    }
  }
}

function noPositionals(command: CommandName, positionals: string[]): void {
  if (positionals.length > 0) {
    throw new UsageError(`${command} takes no arguments; given: ${positionals.join(' ')}`);
  }
}

function secondsOf(value: string | true | undefined): number | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' || !/^[0-9]+$/.test(value)) {
    throw new UsageError(`--expires needs a whole number of seconds, not ${JSON.stringify(value)}`);
  }
  return Number(value);
}

/** Checks the command against the same schema the control socket uses. */
function validated(candidate: unknown): TokenCommand {
  const parsed = tokenCommand.safeParse(candidate);
  if (parsed.success) return parsed.data;

  const problems = parsed.error.issues.map((issue) => {
    const field = String(issue.path[0] ?? '');
    return `${sourceOf[field] ?? field} ${issue.message}`;
  });
  throw new UsageError(problems.join('; '));
}
