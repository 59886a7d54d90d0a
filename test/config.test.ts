import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('loadConfig', () => {
  it('has defaults for everything', () => {
    expect(loadConfig({})).toEqual({
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: null,
      dataDir: './data',
      token: null,
      logLevel: 'info',
      rateLimit: { perSecond: 100, burst: 200 },
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://u@db:5432/argmax',
      DATA_DIR: '/var/lib/argmax',
      ARGMAX_TOKEN: 'a-token-of-sixteen-or-more',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({ port: 9000, databaseUrl: 'postgres://u@db:5432/argmax' });
    expect(config.token).toBe('a-token-of-sixteen-or-more');
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', ARGMAX_TOKEN: '' })).toMatchObject({
      databaseUrl: null,
      token: null,
    });
  });

  it.each([
    ['PORT', 'eighty', /PORT must be an integer from 0 to 65535/],
    ['PORT', '70000', /PORT must be an integer from 0 to 65535/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/],
    ['ARGMAX_TOKEN', 'short', /ARGMAX_TOKEN must be 16 to 200 characters/],
    ['ARGMAX_TOKEN', 'has:a:colon-in-it-0123', /ARGMAX_TOKEN must be 16 to 200 characters/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of fatal, error/],
  ])('rejects %s=%s with a message naming it', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('stops the server at start with exit code 2 and the message', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: root,
      env: { ...process.env, PORT: 'eighty', DATABASE_URL: '' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('PORT must be an integer from 0 to 65535');
  });
});
