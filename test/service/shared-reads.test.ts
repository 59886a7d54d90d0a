import { describe, expect, it } from 'vitest';

import { TokenCache } from '../../src/http/auth.ts';
import { ExperimentCache } from '../../src/service/experiment-cache.ts';
import { createToken, revokeToken } from '../../src/store/tokens.ts';
import { countingSql } from '../helpers/counting-sql.ts';
import { backends } from '../helpers/database.ts';
import { clientDatabase, storedExperiment } from '../helpers/experiments.ts';

// The token and experiment caches on the request path: when many requests
// find the same entry missing at once (a fleet's burst after the token's two
// seconds ran out), they share one read instead of queueing one each for the
// database's connections.

for (const kind of backends) {
  describe(`reads shared by concurrent requests (${kind})`, () => {
    const handle = clientDatabase(kind);

    it('reads a token once for a burst of requests, and again once it is out of date', async () => {
      const counts = new Map<string, number>();
      const tokens = new TokenCache(countingSql(handle.db.sql, counts), 50);
      const { value, token } = await createToken(handle.db.prisma, handle.clientId);
      const found = await Promise.all(
        Array.from({ length: 24 }, () => tokens.find(value, new Date())),
      );
      expect(found.map((auth) => auth?.token.id)).toEqual(Array(24).fill(token.id) as unknown);
      expect(counts.get('read-token')).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 80));
      await Promise.all(Array.from({ length: 8 }, () => tokens.find(value, new Date())));
      expect(counts.get('read-token')).toBe(2);
    });

    it('reads anew after forget(), even while an earlier read is running', async () => {
      const counts = new Map<string, number>();
      const tokens = new TokenCache(countingSql(handle.db.sql, counts), 60_000);
      const { value, token } = await createToken(handle.db.prisma, handle.clientId);
      const before = tokens.find(value, new Date());
      await revokeToken(handle.db.prisma, handle.clientId, token.id);
      tokens.forget();
      const after = await tokens.find(value, new Date());
      expect(after).toBeNull();
      expect(counts.get('read-token')).toBe(2);
      // The earlier read is not kept: the next request does not see the token live.
      await before;
      expect(await tokens.find(value, new Date())).toBeNull();
    });

    it('loads an experiment once for concurrent first requests', async () => {
      const counts = new Map<string, number>();
      const experiments = new ExperimentCache(countingSql(handle.db.sql, counts));
      const experiment = await storedExperiment(handle, { parallelBandwidth: 4 });
      const loaded = await Promise.all(
        Array.from({ length: 16 }, () => experiments.get(experiment.id)),
      );
      expect(loaded.map((def) => def?.revision)).toEqual(
        Array(16).fill(experiment.revision) as unknown,
      );
      expect(counts.get('read-experiment')).toBe(1);
      await experiments.reload(experiment.id);
      expect(counts.get('read-experiment')).toBe(2);
    });
  });
}
