import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  documentPath,
  renderTypes,
  typesPath,
} from '../../clients/typescript/scripts/generate-types.ts';
import { version } from '../../clients/typescript/src/version.ts';

// The TypeScript client's package: its types are generated from the OpenAPI
// document and committed as generated, and it builds with tsc into plain ESM.

const run = promisify(execFile);
const packageRoot = fileURLToPath(new URL('../../clients/typescript/', import.meta.url));

describe('the TypeScript client package', () => {
  it('has its types committed exactly as generated (run `npm run client:types` after a change)', async () => {
    const rendered = await renderTypes(await readFile(documentPath, 'utf8'));
    expect(await readFile(typesPath, 'utf8')).toBe(rendered);
  });

  it('types every route of the document under /v1', async () => {
    const document = JSON.parse(await readFile(documentPath, 'utf8')) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const types = await readFile(typesPath, 'utf8');
    for (const [path, operations] of Object.entries(document.paths)) {
      if (!path.startsWith('/v1/')) continue;
      for (const method of Object.keys(operations)) {
        expect(types).toContain(`'${method.toUpperCase()} ${path.slice(3)}': {`);
      }
    }
  });

  it('sends the version of its package.json', async () => {
    const manifest = JSON.parse(await readFile(join(packageRoot, 'package.json'), 'utf8'));
    expect(manifest.version).toBe(version);
  });

  it('builds with tsc into ESM that plain node imports, with declarations', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'argmax-ts-build-'));
    try {
      const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
      await run(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir], {
        cwd: packageRoot,
      });

      const declarations = await readFile(join(outDir, 'index.d.ts'), 'utf8');
      expect(declarations).toContain('Client');
      const script = [
        `const m = await import(${JSON.stringify(join(outDir, 'index.js'))});`,
        "const client = new m.Client({ url: 'http://127.0.0.1:9', token: 't' });",
        'console.log(JSON.stringify([Object.keys(m).sort(), client.transport.base]));',
      ].join('\n');
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
      const [exported, base] = JSON.parse(stdout) as [string[], string];
      expect(exported).toEqual(
        expect.arrayContaining(['ApiError', 'Client', 'Experiment', 'NetworkError', 'Trial']),
      );
      expect(base).toBe('http://127.0.0.1:9/v1');
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });
});
