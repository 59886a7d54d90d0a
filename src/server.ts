import { pino } from 'pino';
import { buildApp } from './app.ts';
import { TokenCache } from './http/auth.ts';
import { ConfigError, loadConfig } from './config.ts';
import { ensureTokens } from './service/bootstrap.ts';
import { startControlServer } from './service/control.ts';
import { openDatabase } from './store/database.ts';

// Starts argmax: parse the environment, open (and migrate) the database, make
// sure a token exists, listen. SIGTERM and SIGINT stop taking requests, let
// the ones in flight finish, then close the database.

// Log lines are written asynchronously: a synchronous write per request
// holds the event loop when stdout is a slow pipe. Exits flush first.
const logDestination = pino.destination({ dest: 1, sync: false });

function createLogger(level: string) {
  return pino(
    {
      level,
      redact: {
        paths: ['req.headers.authorization', 'headers.authorization', '*.token'],
        remove: true,
      },
    },
    logDestination,
  );
}

function exit(code: number): never {
  try {
    logDestination.flushSync();
  } catch {
    // Nothing was buffered, or stdout is gone: exiting is all that is left.
  }
  process.exit(code);
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`argmax: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }

  const logger = createLogger(config.logLevel);
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    logger,
  });
  await ensureTokens(database.prisma, config.token, logger);
  const tokens = new TokenCache(database.sql);
  const app = await buildApp({ database, logger, rateLimit: config.rateLimit, tokens });
  const control = await startControlServer(database, config.dataDir, logger, () => tokens.forget());

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    // server.close() drops the keep-alive connections idle at that moment; one
    // whose request was still in flight goes idle later and would hold the
    // close until its keep-alive timeout, so idle connections are dropped
    // until the close completes.
    const dropIdle = setInterval(() => app.server.closeIdleConnections(), 100);
    void app
      .close()
      .finally(() => clearInterval(dropIdle))
      .then(() => control.close())
      .then(() => database.close())
      .then(() => {
        logger.info({}, 'stopped');
        exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'stop failed');
        exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  const address = await app.listen({ port: config.port, host: config.host });
  logger.info({ address: `${address}/v1`, database: database.kind }, 'argmax is serving');
}

main().catch((error: unknown) => {
  process.stderr.write(
    `argmax: failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  exit(1);
});
