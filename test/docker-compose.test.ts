import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// There is no Docker engine here; Debian's docker-compose can still check the
// file and print it resolved, which is what this test reads.

const root = fileURLToPath(new URL('..', import.meta.url));

function compose(): string | null {
  try {
    execFileSync('docker-compose', ['version'], { stdio: 'ignore' });
  } catch {
    return null;
  }
  return execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], {
    cwd: root,
    encoding: 'utf8',
  });
}

const resolved = compose();
const why = 'docker-compose is not installed (apt-get install docker-compose)';

describe.skipIf(resolved === null)(
  `docker-compose.yml${resolved === null ? ` (skipped: ${why})` : ''}`,
  () => {
    const file = parse(resolved ?? '{}') as {
      services: Record<string, any>;
      volumes: Record<string, unknown>;
    };

    it('runs the service on postgres:15 with a health check and a named volume', () => {
      const { argmax, postgres } = file.services;
      expect(postgres.image).toBe('postgres:15');
      expect(postgres.healthcheck.test.join(' ')).toContain('pg_isready');
      expect(String(postgres.volumes[0])).toMatch(/^pgdata:\/var\/lib\/postgresql\/data\b/);
      expect(Object.keys(file.volumes)).toContain('pgdata');

      expect(argmax.depends_on.postgres.condition).toBe('service_healthy');
      expect(argmax.environment.DATABASE_URL).toMatch(
        /^postgres:\/\/argmax:argmax@postgres:5432\/argmax$/,
      );
      expect(argmax.healthcheck.test.join(' ')).toContain('/health');
      expect(argmax.ports[0]).toMatchObject({ target: 8080, published: 8080 });
    });
  },
);
