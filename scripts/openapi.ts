// Writes openapi/openapi.json from the running app's schemas: `npm run openapi`.
// test/openapi.test.ts fails when the committed copy differs from what the
// server serves.
import { writeFile } from 'node:fs/promises';
import { buildApp } from '../src/app.ts';
import { memoryDataDir, openDatabase } from '../src/store/database.ts';

export const openapiPath = new URL('../openapi/openapi.json', import.meta.url);

export function renderOpenApi(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

async function main(): Promise<void> {
  const database = await openDatabase({ databaseUrl: null, dataDir: memoryDataDir });
  try {
    const app = await buildApp({ database });
    await app.ready();
    await writeFile(openapiPath, renderOpenApi(app.swagger()));
    await app.close();
    console.log(`wrote ${openapiPath.pathname}`);
  } finally {
    await database.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
