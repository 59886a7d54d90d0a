import { tokenCommand, type TokenCommand } from '../service/control.ts';
import {
  noPositionals,
  parseSubcommand,
  UsageError,
  type OptionSpec,
  type Parsed,
} from './options.ts';

// The token command's arguments: a command name, then its options and arguments. Every mistake
// is named in a usage error, which the command reports with exit code 2.

const commandNames = ['create', 'list', 'revoke'] as const;
type CommandName = (typeof commandNames)[number];

export type ParsedArguments = Parsed<TokenCommand>;

export const generalUsage = `Usage: argmax token <command> [options]

Manages API tokens. Reads DATABASE_URL and DATA_DIR as the server does, and works while the
server runs.

Commands:
  create --client NAME [--development] [--admin] [--expires SECONDS]
                      create a token and print its value, which is shown only this once
  list [--client NAME]
                      list tokens (never their values)
  revoke ID           revoke the token with this id

Run "argmax token <command> --help" for the options of a command.
`;

const commandUsage: Record<CommandName, string> = {
  create: `Usage: argmax token create --client NAME [--development] [--admin] [--expires SECONDS]

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
  list: `Usage: argmax token list [--client NAME]

Lists tokens, newest first: id, client, hint (the first characters of the value), permissions,
development, created, expires and revoked. Token values are never shown.

Options:
  --client NAME       only the tokens of this client
  -h, --help          show this help
`,
  revoke: `Usage: argmax token revoke ID

Revokes the token with this id (as "list" shows it): it stops working at once.

Options:
  -h, --help          show this help
`,
};

/** Per command: its options, and whether each takes a value. */
const optionsOf: Record<CommandName, OptionSpec> = {
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

export function parseTokenArguments(argv: readonly string[]): ParsedArguments {
  return parseSubcommand(argv, {
    names: commandNames,
    usage: generalUsage,
    usageOf: commandUsage,
    optionsOf,
    build: (name, { values, positionals }) => validated(buildCommand(name, values, positionals)),
  });
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
