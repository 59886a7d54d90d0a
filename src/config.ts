import { z } from 'zod';

// The environment is read once, here, at start. A bad value stops the start
// with a message naming the variable and what it accepts.

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const port = z.coerce
  .number({ error: 'must be an integer from 0 to 65535' })
  .int('must be an integer from 0 to 65535')
  .min(0, 'must be an integer from 0 to 65535')
  .max(65535, 'must be an integer from 0 to 65535');

const databaseUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL');

const token = z
  .string()
  .regex(/^[A-Za-z0-9._~+/=-]{16,200}$/, 'must be 16 to 200 characters without spaces or colons');

const rateLimit = z.coerce
  .number({ error: 'must be a number of requests per second, 0 to turn the limit off' })
  .min(0, 'must be a number of requests per second, 0 to turn the limit off');

const rateBurst = z.coerce
  .number({ error: 'must be an integer of at least 1' })
  .int('must be an integer of at least 1')
  .min(1, 'must be an integer of at least 1');

const environment = z.object({
  PORT: port.default(8080),
  HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  DATABASE_URL: databaseUrl.optional(),
  DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
  ARGMAX_TOKEN: token.optional(),
  LOG_LEVEL: z.enum(logLevels, { error: `must be one of ${logLevels.join(', ')}` }).default('info'),
  ARGMAX_RATE_LIMIT: rateLimit.default(100),
  ARGMAX_RATE_BURST: rateBurst.default(200),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | null;
  dataDir: string;
  token: string | null;
  logLevel: (typeof logLevels)[number];
  /** Requests per second and burst allowed to each token; null when turned off. */
  rateLimit: { perSecond: number; burst: number } | null;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Empty strings count as unset, as shells and compose files often leave them. */
function present(env: NodeJS.ProcessEnv): Record<string, string> {
  const entries = Object.entries(env).filter(
    (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
  );
  return Object.fromEntries(entries);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environment.safeParse(present(env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }

  const value = parsed.data;
  return {
    port: value.PORT,
    host: value.HOST,
    databaseUrl: value.DATABASE_URL ?? null,
    dataDir: value.DATA_DIR,
    token: value.ARGMAX_TOKEN ?? null,
    logLevel: value.LOG_LEVEL,
    rateLimit:
      value.ARGMAX_RATE_LIMIT === 0
        ? null
        : { perSecond: value.ARGMAX_RATE_LIMIT, burst: value.ARGMAX_RATE_BURST },
  };
}
