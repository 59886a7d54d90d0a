// The load benchmark's HTTP side: JSON requests over keep-alive connections
// (one socket per concurrent worker, as a fleet of workers would hold), with
// every request's latency recorded by kind.

import http from 'node:http';
import { performance } from 'node:perf_hooks';

import { quantile } from './stats.ts';

export interface Answer {
  status: number;
  body: Record<string, unknown> | null;
}

export class LoadClient {
  private readonly agent: http.Agent;
  private readonly authorization: string;
  private readonly base: URL;

  constructor(url: string, token: string, sockets: number) {
    this.base = new URL(url);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
    this.authorization = `Basic ${Buffer.from(`${token}:`).toString('base64')}`;
  }

  request(method: string, path: string, body?: unknown): Promise<Answer> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: this.base.hostname,
          port: this.base.port,
          method,
          path,
          agent: this.agent,
          headers: {
            authorization: this.authorization,
            ...(payload === undefined
              ? {}
              : {
                  'content-type': 'application/json',
                  'content-length': Buffer.byteLength(payload),
                }),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({
              status: response.statusCode ?? 0,
              body: text ? (JSON.parse(text) as Record<string, unknown>) : null,
            });
          });
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Latencies (ms) and failures of one kind of request. */
export class Recorder {
  readonly latencies: number[] = [];
  readonly failures: string[] = [];

  /** Sends, times and checks one request; a failure is recorded and answered with null. */
  async time(send: () => Promise<Answer>): Promise<Answer | null> {
    const start = performance.now();
    try {
      const answer = await send();
      this.latencies.push(performance.now() - start);
      if (answer.status === 200) return answer;
      this.failures.push(`${answer.status} ${JSON.stringify(answer.body)}`);
    } catch (error) {
      this.failures.push(error instanceof Error ? error.message : String(error));
    }
    return null;
  }

  summary(): { count: number; p50: number; p99: number; max: number; errors: number } {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return {
      count: sorted.length,
      p50: sorted.length ? quantile(sorted, 0.5) : NaN,
      p99: sorted.length ? quantile(sorted, 0.99) : NaN,
      max: sorted.at(-1) ?? NaN,
      errors: this.failures.length,
    };
  }
}
