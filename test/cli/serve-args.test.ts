import { describe, expect, it } from 'vitest';

import { parseServeArguments } from '../../src/cli/serve.ts';

describe('the serve command arguments', () => {
  it('set the variables the server reads, and resolve the data dir where the command ran', () => {
    const parsed = parseServeArguments(
      ['--port', '9000', '--host=0.0.0.0', '--data-dir', 'runs/data'],
      {},
      '/home/ml',
    );

    expect(parsed).toEqual({
      kind: 'serve',
      env: { PORT: '9000', HOST: '0.0.0.0', DATA_DIR: '/home/ml/runs/data' },
    });
  });

  it('resolve the data dir of the environment, or the default, but leave memory:// alone', () => {
    expect(parseServeArguments([], { DATA_DIR: 'elsewhere' }, '/srv')).toEqual({
      kind: 'serve',
      env: { DATA_DIR: '/srv/elsewhere' },
    });
    expect(parseServeArguments([], {}, '/srv')).toEqual({
      kind: 'serve',
      env: { DATA_DIR: '/srv/data' },
    });
    expect(parseServeArguments(['--data-dir', 'memory://'], {}, '/srv')).toMatchObject({
      env: { DATA_DIR: 'memory://' },
    });
  });

  it('pass a database URL through', () => {
    const url = 'postgres://argmax@db:5432/argmax';

    expect(parseServeArguments(['--database-url', url], {}, '/srv')).toMatchObject({
      env: { DATABASE_URL: url },
    });
  });

  it('name a bad value by its flag, and one from the environment by its variable', () => {
    expect(parseServeArguments(['--port', 'http'], {}, '/')).toEqual({
      kind: 'usage-error',
      message: 'Invalid configuration: --port must be an integer from 0 to 65535',
    });
    expect(parseServeArguments(['--database-url', 'mysql://x'], { PORT: '-1' }, '/')).toEqual({
      kind: 'usage-error',
      message:
        'Invalid configuration: PORT must be an integer from 0 to 65535; --database-url must be a postgres:// or postgresql:// URL',
    });
  });

  it('name unknown flags and arguments, and give the help', () => {
    expect(parseServeArguments(['--log-level', 'debug'], {}, '/')).toEqual({
      kind: 'usage-error',
      message:
        'unknown option --log-level for serve: it takes --port, --host, --data-dir, --database-url',
    });
    expect(parseServeArguments(['-h'], {}, '/')).toMatchObject({ kind: 'help' });
  });
});
