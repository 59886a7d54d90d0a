import type { Db, PrismaClient } from '../store/prisma.ts';
import {
  countTokens,
  createToken,
  DEFAULT_CLIENT,
  ensureClient,
  findTokenByValue,
  lockTokenBootstrap,
} from '../store/tokens.ts';

// At start: the token named by ARGMAX_TOKEN exists for the default client, or,
// when there is no token at all, a first admin token is created and shown once.

export interface BootstrapLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export async function ensureTokens(
  prisma: PrismaClient,
  configured: string | null,
  logger: BootstrapLogger,
): Promise<void> {
  // Several processes may start at once on a new database.
  await prisma.$transaction(async (tx) => {
    await lockTokenBootstrap(tx);
    await ensureTokensLocked(tx, configured, logger);
  });
}

async function ensureTokensLocked(
  prisma: Db,
  configured: string | null,
  logger: BootstrapLogger,
): Promise<void> {
  const client = await ensureClient(prisma, DEFAULT_CLIENT);
  if (configured !== null) {
    const existing = await findTokenByValue(prisma, configured);
    if (!existing) {
      await createToken(prisma, client.id, { value: configured, admin: true });
      logger.info({ client: client.name }, 'created the token given by ARGMAX_TOKEN');
    } else if (existing.revoked) {
      logger.warn({ token: existing.hint }, 'the token given by ARGMAX_TOKEN is revoked');
    }
    return;
  }
  if ((await countTokens(prisma)) > 0) return;
  const issued = await createToken(prisma, client.id, { admin: true });
  // The one deliberate exception to "tokens never appear in logs": the first
  // token of a new installation is shown once, or nobody could use it.
  logger.info(
    { client: client.name, firstToken: issued.value },
    'created the first API token; it is shown only this once',
  );
}
