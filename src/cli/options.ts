// Reading a command's options, shared by every command of `argmax`. A mistake throws a
// UsageError naming it, which the commands report with exit code 2.

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A command's options by name (without the dashes): whether each takes a value. */
export type OptionSpec = Readonly<Record<string, boolean>>;

export interface ScannedOptions {
  values: Map<string, string | true>;
  positionals: string[];
}

/**
 * Reads `--name`, `--name value`, `--name=value`, `-h` and `--help`, and `--` before plain
 * arguments. `command` names the command in messages.
 */
export function scanOptions(
  args: readonly string[],
  spec: OptionSpec,
  command: string,
): ScannedOptions {
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

    const [name, inline] = splitOption(arg, spec, command);
    if (values.has(name)) throw new UsageError(`--${name} is given more than once`);
    const takesValue = spec[name] ?? unknownOption(arg, spec, command);
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

function splitOption(arg: string, spec: OptionSpec, command: string): [string, string | undefined] {
  if (!arg.startsWith('--')) unknownOption(arg, spec, command);
  const equals = arg.indexOf('=');
  return equals === -1 ? [arg.slice(2), undefined] : [arg.slice(2, equals), arg.slice(equals + 1)];
}

function unknownOption(arg: string, spec: OptionSpec, command: string): never {
  const known = Object.keys(spec).map((name) => `--${name}`);
  const accepted = known.length === 0 ? 'it takes none' : `it takes ${known.join(', ')}`;
  throw new UsageError(`unknown option ${arg} for ${command}: ${accepted}`);
}

/** The value of an option that takes one, or undefined when it was not given. */
export function stringOption(scanned: ScannedOptions, name: string): string | undefined {
  const value = scanned.values.get(name);
  return typeof value === 'string' ? value : undefined;
}

export function noPositionals(command: string, positionals: readonly string[]): void {
  if (positionals.length > 0) {
    throw new UsageError(`${command} takes no arguments; given: ${positionals.join(' ')}`);
  }
}

export type Parsed<C> =
  | { kind: 'help'; text: string }
  | { kind: 'command'; command: C }
  | { kind: 'usage-error'; message: string; usage: string };

/** A command made of sub-commands (`token create`, `experiment show`): how to read each. */
export interface SubcommandSpec<N extends string, C> {
  names: readonly N[];
  /** The help of the command as a whole. */
  usage: string;
  usageOf: Readonly<Record<N, string>>;
  optionsOf: Readonly<Record<N, OptionSpec>>;
  /** Builds the sub-command from its options; throws UsageError for a mistake. */
  build(name: N, scanned: ScannedOptions): C;
}

/** Reads `<sub-command> [options]`, `help [sub-command]` and `--help`. */
export function parseSubcommand<N extends string, C>(
  argv: readonly string[],
  spec: SubcommandSpec<N, C>,
): Parsed<C> {
  const [first, ...rest] = argv;
  const isName = (name: string | undefined): name is N =>
    (spec.names as readonly (string | undefined)[]).includes(name);

  if (first === undefined) return usageError('no command given', spec.usage);
  if (first === 'help' || first === '--help' || first === '-h') {
    const [name] = rest;
    if (name === undefined) return { kind: 'help', text: spec.usage };
    if (isName(name)) return { kind: 'help', text: spec.usageOf[name] };
    return usageError(`unknown command ${JSON.stringify(name)}`, spec.usage);
  }
  if (!isName(first)) {
    const problem = first.startsWith('-')
      ? `unknown option ${first}: options come after the command`
      : `unknown command ${JSON.stringify(first)}: the commands are ${listed(spec.names)}`;
    return usageError(problem, spec.usage);
  }

  const usage = spec.usageOf[first];
  try {
    const scanned = scanOptions(rest, spec.optionsOf[first], first);
    if (scanned.values.has('help')) return { kind: 'help', text: usage };
    return { kind: 'command', command: spec.build(first, scanned) };
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message, usage);
    throw error;
  }
}

const usageError = <C>(message: string, usage: string): Parsed<C> => ({
  kind: 'usage-error',
  message,
  usage,
});

/** `a, b and c`. */
export function listed(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
