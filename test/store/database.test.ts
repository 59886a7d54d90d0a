import { describe, expect, it } from 'vitest';

import { DatabaseConnectError, openDatabase } from '../../src/store/database.js';
import { backends, openTestDatabase } from '../helpers/database.js';

describe.each(backends)('openDatabase on %s', (kind) => {
  it('opens a migrated database that Prisma reads and writes', async () => {
    const db = await openTestDatabase(kind);
    try {
      expect(db.kind).toBe(kind);
      await db.ping();

      const client = await db.prisma.client.create({ data: { name: 'default' } });
      const experiment = await db.prisma.experiment.create({
        data: { clientId: client.id, name: 'first', observationBudget: 10 },
      });
      expect(experiment.type).toBe('offline');
      expect(await db.prisma.experiment.count()).toBe(1);
    } finally {
      await db.close();
    }
  });
});

describe('openDatabase on a Postgres server that does not answer', () => {
  it('fails with a message naming the server but not the password', async () => {
    const url = 'postgres://argmax:s3cret@127.0.0.1:9/argmax';

    const opening = openDatabase({
      databaseUrl: url,
      dataDir: 'memory://',
      connectTimeoutMs: 2_000,
    });

    await expect(opening).rejects.toThrow(DatabaseConnectError);
    await expect(opening).rejects.toThrow(
      /^cannot connect to the Postgres server at postgres:\/\/argmax:\*\*\*@127\.0\.0\.1:9\/argmax: /,
    );
    await expect(opening).rejects.not.toThrow(/s3cret/);
  });
});
