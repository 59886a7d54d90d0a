import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ensureTokens } from '../../src/service/bootstrap.ts';
import { memoryDataDir, openDatabase, type Database } from '../../src/store/database.ts';
import { countTokens, findTokenByValue } from '../../src/store/tokens.ts';
import { createEmptyPostgresDatabase, dropPostgresDatabase } from '../helpers/database.ts';

// Server processes started at the same moment on a new database each check
// the start-up token; before the check was serialized, one of them failed its
// start on the unique constraint of the default client or of the token.

const hasPostgres = Boolean(process.env.TEST_DATABASE_URL);
const silent = { info() {}, warn() {} };
const PROCESSES = 4;

function firstOf(databases: Database[]): Database {
  const [first] = databases;
  if (!first) throw new Error('no database is open');
  return first;
}

describe.skipIf(!hasPostgres)(
  `processes starting at once${hasPostgres ? '' : ' (skipped: TEST_DATABASE_URL is not set)'}`,
  () => {
    let url: string;
    let databases: Database[];

    beforeAll(async () => {
      url = await createEmptyPostgresDatabase();
      databases = [];
      for (let i = 0; i < PROCESSES; i++) {
        databases.push(await openDatabase({ databaseUrl: url, dataDir: memoryDataDir }));
      }
    });

    afterAll(async () => {
      await Promise.all(databases.map((database) => database.close()));
      await dropPostgresDatabase(url);
    });

    it('all start, and the configured token exists once', async () => {
      const token = 'bootstrap-race-token-0123456789';
      await Promise.all(databases.map((database) => ensureTokens(database.prisma, token, silent)));

      const prisma = firstOf(databases).prisma;
      expect(await findTokenByValue(prisma, token)).not.toBeNull();
      expect(await countTokens(prisma)).toBe(1);
    });

    it('all start on a new database without a configured token, and one first token is made', async () => {
      const fresh = await createEmptyPostgresDatabase();
      const handles = await Promise.all(
        Array.from({ length: PROCESSES }, () =>
          openDatabase({ databaseUrl: fresh, dataDir: memoryDataDir }),
        ),
      );
      try {
        await Promise.all(handles.map((database) => ensureTokens(database.prisma, null, silent)));
        expect(await countTokens(firstOf(handles).prisma)).toBe(1);
      } finally {
        await Promise.all(handles.map((database) => database.close()));
        await dropPostgresDatabase(fresh);
      }
    });
  },
);
