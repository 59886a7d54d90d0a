import { defineConfig } from 'prisma/config';

// The CLI is used only for `prisma generate`; migrations are applied by
// src/store/migrate.ts, which keeps Prisma's _prisma_migrations bookkeeping.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
