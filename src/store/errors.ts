// Recognizing database failures that mean "the database is not answering",
// so that the HTTP layer can answer 503 with Retry-After instead of 500.

const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '57014', // query_canceled (statement timeout)
  '53300', // too_many_connections
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  'P1001', // Prisma: can't reach database server
  'P1002',
  'P1008', // Prisma: operations timed out
  'P1017', // Prisma: server closed the connection
  'P2024', // Prisma: timed out fetching a connection
  'P2028', // Prisma: the transaction's connection went away or timed out
]);

const connectionMessages = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connect ECONNREFUSED/i,
  /server closed the connection/i,
  /Connection terminated unexpectedly/i,
  /the database system is (shutting down|starting up)/i,
  /Transaction already closed/i,
  // pg, for a pooled client whose connection broke inside a transaction.
  /has encountered a connection error and is not queryable/i,
];

/**
 * The error and what it wraps: `cause` chains, and Prisma's driver-adapter
 * errors, which carry the database's own error under `meta.driverAdapterError`.
 */
function* causes(error: unknown, depth = 0): Generator<Record<string, unknown>> {
  if (depth > 6 || typeof error !== 'object' || error === null) return;
  const item = error as Record<string, unknown>;
  yield item;
  yield* causes(item.cause, depth + 1);
  const meta = item.meta as Record<string, unknown> | undefined;
  if (meta) yield* causes(meta.driverAdapterError, depth + 1);
}

export function isUnavailable(error: unknown): boolean {
  for (const item of causes(error)) {
    const code =
      item.code ?? item.originalCode ?? (item.kind === 'postgres' ? item.code : undefined);
    if (typeof code === 'string' && unavailableCodes.has(code)) return true;
    if (item.kind === 'DatabaseNotReachable' || item.kind === 'ConnectionClosed') return true;
    const message = item.message;
    if (
      typeof message === 'string' &&
      connectionMessages.some((pattern) => pattern.test(message))
    ) {
      return true;
    }
  }
  return false;
}
