import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import type { Metrics } from './create-metrics.ts';

/** Hashing both sides first makes the comparison constant-time whatever the lengths. */
function tokenMatches(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * `GET /metrics` on the main port, for PASSLINE_METRICS_TOKEN: the scraper sends it as a bearer
 * token. Registered only when the token is set; otherwise the path answers 404 like any unknown one.
 */
export function metricsRoute(deps: { metrics: Metrics; token: string }): FastifyPluginAsync {
  return async (app) => {
    app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
      const header = request.headers.authorization;
      const presented = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
      if (!presented) {
        throw new AppError(
          'auth.missing_credentials',
          'Send the metrics token as "Authorization: Bearer <PASSLINE_METRICS_TOKEN>".',
        );
      }
      if (!tokenMatches(presented, deps.token)) {
        throw new AppError('auth.invalid_credentials', 'The metrics token is wrong.');
      }
      const text = await deps.metrics.render();
      return reply.header('content-type', deps.metrics.contentType).header('cache-control', 'no-store').send(text);
    });
  };
}

export interface MetricsServer {
  /** Starts listening on PASSLINE_METRICS_HOST:PASSLINE_METRICS_PORT; answers the bound address. */
  listen(): Promise<AddressInfo>;
  /** The bound address once listening. */
  address(): AddressInfo | undefined;
  close(): Promise<void>;
}

/**
 * PASSLINE_METRICS_PORT: `/metrics` alone on a port of its own, without authentication, so it must
 * be bound where only the scraper reaches it (127.0.0.1 by default, or a private interface). A
 * plain node:http server: nothing of the main app (routes, hooks, logs) is reachable through it.
 */
export function createMetricsServer(deps: { metrics: Metrics; port: number; host: string }): MetricsServer {
  let server: Server | undefined;
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: try GET /metrics\n');
      return;
    }
    deps.metrics.render().then(
      (text) => {
        response.writeHead(200, { 'content-type': deps.metrics.contentType, 'cache-control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      () => {
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics unavailable\n');
      },
    );
  };
  return {
    async listen() {
      const listening = createServer(handler);
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(deps.port, deps.host, () => {
          listening.off('error', reject);
          resolve();
        });
      });
      server = listening;
      return listening.address() as AddressInfo;
    },
    address: () => (server?.address() as AddressInfo | null) ?? undefined,
    async close() {
      const closing = server;
      server = undefined;
      if (!closing) return;
      closing.closeAllConnections();
      await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
  };
}

/** The metrics port's server when PASSLINE_METRICS_PORT is set (not listening yet), else undefined. */
export function metricsServerFor(metrics: Metrics, settings: Config['metrics']): MetricsServer | undefined {
  if (settings?.port === undefined) return undefined;
  return createMetricsServer({ metrics, port: settings.port, host: settings.host });
}
