import { Prisma, type PrismaClient } from './generated/client.ts';

// What the repositories run their queries on: the client itself or an open
// transaction.
export type Db = PrismaClient | Prisma.TransactionClient;
export { Prisma, type PrismaClient };

export const toId = (id: string): bigint => BigInt(id);
export const fromId = (id: bigint): string => id.toString();

/** A nullable JSON column: SQL NULL for null. */
export const jsonOrNull = (value: unknown): Prisma.InputJsonValue | typeof Prisma.DbNull =>
  value === null || value === undefined ? Prisma.DbNull : value;
