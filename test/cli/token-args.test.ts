import { describe, expect, it } from 'vitest';

import { generalUsage, parseTokenArguments } from '../../src/cli/token-args.ts';
import { formatTokenTable } from '../../src/cli/token-table.ts';
import type { TokenView } from '../../src/service/control.ts';

const problemOf = (argv: string[]): string => {
  const parsed = parseTokenArguments(argv);
  if (parsed.kind !== 'usage-error') throw new Error(`no usage error for ${argv.join(' ')}`);
  return parsed.message;
};

describe('the token command arguments', () => {
  it('read create with all its options, in either spelling of a value', () => {
    const argv = ['create', '--client=ml', '--development', '--admin', '--expires', '3600'];

    expect(parseTokenArguments(argv)).toEqual({
      kind: 'command',
      command: {
        command: 'create',
        client: 'ml',
        development: true,
        admin: true,
        expiresInSeconds: 3600,
      },
    });
  });

  it('read list with and without a client, and revoke with an id', () => {
    expect(parseTokenArguments(['list'])).toEqual({
      kind: 'command',
      command: { command: 'list', client: null },
    });
    expect(parseTokenArguments(['list', '--client', 'web'])).toMatchObject({
      command: { client: 'web' },
    });
    expect(parseTokenArguments(['revoke', '12'])).toMatchObject({
      command: { command: 'revoke', id: '12' },
    });
  });

  it('give the general help, or the help of one command', () => {
    expect(parseTokenArguments(['--help'])).toEqual({ kind: 'help', text: generalUsage });
    expect(parseTokenArguments(['help'])).toEqual({ kind: 'help', text: generalUsage });
    expect(parseTokenArguments(['help', 'revoke'])).toMatchObject({
      text: expect.stringContaining('Usage: argmax token revoke ID'),
    });
    expect(parseTokenArguments(['create', '-h'])).toMatchObject({
      text: expect.stringContaining('--expires SECONDS'),
    });
  });

  it('name a missing or unknown command', () => {
    expect(problemOf([])).toBe('no command given');
    expect(problemOf(['mint'])).toBe(
      'unknown command "mint": the commands are create, list and revoke',
    );
    expect(problemOf(['--client', 'ml'])).toBe(
      'unknown option --client: options come after the command',
    );
  });

  it('name an unknown option and the options the command takes', () => {
    expect(problemOf(['list', '--all'])).toBe('unknown option --all for list: it takes --client');
    expect(problemOf(['revoke', '-f', '3'])).toBe('unknown option -f for revoke: it takes none');
  });

  it('name a missing --client, value or id, and extra arguments', () => {
    expect(problemOf(['create', '--admin'])).toBe('create needs --client NAME');
    expect(problemOf(['create', '--client'])).toBe('--client needs a value');
    expect(problemOf(['create', '--client', '--admin'])).toBe('--client needs a value');
    expect(problemOf(['revoke'])).toBe('revoke needs the ID of a token');
    expect(problemOf(['revoke', '3', '4'])).toBe('revoke takes one ID; also given: 4');
    expect(problemOf(['list', 'ml'])).toBe('list takes no arguments; given: ml');
  });

  it('name a flag given twice or given a value it does not take', () => {
    expect(problemOf(['create', '--client', 'a', '--client', 'b'])).toBe(
      '--client is given more than once',
    );
    expect(problemOf(['create', '--client', 'a', '--admin=yes'])).toBe('--admin takes no value');
  });

  it('check values against the rules the control socket applies', () => {
    expect(problemOf(['create', '--client', ''])).toBe('--client must not be empty');
    expect(problemOf(['create', '--client', 'x'.repeat(101)])).toBe(
      '--client must be at most 100 characters',
    );
    expect(problemOf(['create', '--client', 'ml\n'])).toContain('--client must not start or end');
    expect(problemOf(['create', '--client', 'ml', '--expires', '1h'])).toBe(
      '--expires needs a whole number of seconds, not "1h"',
    );
    expect(problemOf(['create', '--client', 'ml', '--expires', '0'])).toBe(
      '--expires must be at least 1 second',
    );
    expect(problemOf(['revoke', '0x1f'])).toContain('ID must be a token id');
    expect(problemOf(['revoke', '9223372036854775808'])).toBe('ID is too large for a token id');
  });
});

describe('the token table', () => {
  const token: TokenView = {
    id: '7',
    client: 'ml',
    hint: 'amx_abcd…',
    permissions: 'admin',
    development: false,
    created: '2025-03-04T05:06:07.890Z',
    expires: null,
    revoked: '2025-03-05T00:00:00.000Z',
  };

  it('lines up its columns and shows times to the second', () => {
    expect(formatTokenTable([token, { ...token, id: '12', client: 'web', development: true }]))
      .toBe(`ID  CLIENT  HINT       PERMISSIONS  DEVELOPMENT  CREATED               EXPIRES  REVOKED
7   ml      amx_abcd…  admin        no           2025-03-04T05:06:07Z  -        2025-03-05T00:00:00Z
12  web     amx_abcd…  admin        yes          2025-03-04T05:06:07Z  -        2025-03-05T00:00:00Z
`);
  });

  it('says so when there are no tokens', () => {
    expect(formatTokenTable([])).toBe('no tokens\n');
  });
});
