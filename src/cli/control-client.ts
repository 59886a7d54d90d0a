import { request } from 'node:http';

import {
  controlRoute,
  TokenCommandError,
  type TokenCommand,
  type TokenCommandResult,
} from '../service/control.ts';

// The command's side of the control socket (src/service/control.ts): one request per run.

/** Nobody listens on the socket: no file there, or a file left by a process that died. */
export class ControlUnreachableError extends Error {
  override readonly name = 'ControlUnreachableError';
}

const requestTimeoutMs = 30_000;

export function sendTokenCommand(
  socketPath: string,
  command: TokenCommand,
): Promise<TokenCommandResult> {
  const body = JSON.stringify(command);

  return new Promise((resolveResult, reject) => {
    const outgoing = request(
      {
        socketPath,
        path: controlRoute,
        method: 'POST',
        // A fresh connection that closes after the answer, so nothing keeps the command running.
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          connection: 'close',
        },
        timeout: requestTimeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          settle(response.statusCode ?? 0, text, resolveResult, reject);
        });
      },
    );
    outgoing.on('timeout', () => {
      outgoing.destroy(new Error(`the server did not answer within ${requestTimeoutMs} ms`));
    });
    outgoing.on('error', (error) => reject(unreachableOr(error, socketPath)));
    outgoing.end(body);
  });
}

function settle(
  status: number,
  text: string,
  resolveResult: (result: TokenCommandResult) => void,
  reject: (error: Error) => void,
): void {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    reject(
      new Error(`the server's control socket answered ${status} with a body that is not JSON`),
    );
    return;
  }

  // The server runs this same code base, so a 200 body is a TokenCommandResult.
  if (status === 200) return resolveResult(json as TokenCommandResult);
  const message = errorOf(json);
  if (status === 404) return reject(new TokenCommandError(message));
  reject(new Error(`the server's control socket answered ${status}: ${message}`));
}

function errorOf(json: unknown): string {
  if (typeof json === 'object' && json !== null && 'error' in json) return String(json.error);
  return 'no reason given';
}

function unreachableOr(error: Error, socketPath: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ECONNREFUSED') {
    return new ControlUnreachableError(`nobody answers on ${socketPath}`);
  }
  return error;
}
