import { describe, expect, it } from 'vitest';

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
