import { ConfigError, loadConfig } from '../config.ts';
import { TokenCommandError, type TokenCommandResult } from '../service/control.ts';
import { executeTokenCommand } from './token-backend.ts';
import { parseTokenArguments } from './token-args.ts';
import { formatTokenTable } from './token-table.ts';

// `argmax token create | list | revoke`: manages API tokens on the database the server uses,
// also while it runs. Exit codes: 0 done, 1 the command failed, 2 a usage or configuration
// mistake.

function describeCreated(result: Extract<TokenCommandResult, { command: 'create' }>): string {
  const { token } = result;
  const traits: string[] = [token.permissions];
  if (token.development) traits.push('development');
  if (token.expires !== null) traits.push(`expires ${token.expires}`);
  return `created token ${token.id} for client ${token.client} (${traits.join(', ')}); its value is shown only this once`;
}

function print(result: TokenCommandResult): void {
  switch (result.command) {
    case 'create':
      // The value alone on standard output, so that scripts can capture it.
      process.stdout.write(`${result.value}\n`);
      console.error(describeCreated(result));
      return;
    case 'list':
      process.stdout.write(formatTokenTable(result.tokens));
      return;
    case 'revoke':
      console.error(`revoked token ${result.id}`);
      return;
  }
}

export async function tokenMain(argv: readonly string[]): Promise<number> {
  const parsed = parseTokenArguments(argv);
  switch (parsed.kind) {
    case 'help':
      process.stdout.write(parsed.text);
      return 0;
    case 'usage-error':
      console.error(`argmax token: ${parsed.message}\n\n${parsed.usage}`);
      return 2;
    case 'command':
      break;
  }

  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`argmax token: ${error.message}`);
    return 2;
  }

  try {
    print(await executeTokenCommand(parsed.command, config));
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(
      `argmax token: ${error instanceof TokenCommandError ? '' : 'failed: '}${message}`,
    );
    return 1;
  }
}
