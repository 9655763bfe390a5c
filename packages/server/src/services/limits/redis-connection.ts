import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** How long a Redis command may take; past it, the request that needed it answers 503. */
export const redisCommandTimeoutMs = 1000;

/**
 * Connects to the Redis that holds the send limits, so that an outage fails requests fast instead
 * of holding them: commands are never queued while the connection is down (the request answers
 * 503 `service.unavailable` at once), a command on a connection that stopped answering gives up
 * after `redisCommandTimeoutMs`, and the client keeps reconnecting in the background. Start waits
 * for the first connection but goes on without one, so `/api/health` can report the outage.
 *
 * ioredis is loaded here, on demand: an instance without Redis does not carry the client in memory.
 */
export async function connectRedis(url: string, logger: Logger): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    // A command cut off by a lost connection fails rather than being sent again on the next one:
    // the limit script is not idempotent, and the caller has already been answered 503.
    maxRetriesPerRequest: 0,
    commandTimeout: redisCommandTimeoutMs,
    connectTimeout: 2000,
  });
  // One line per outage, not one per reconnection attempt (every 2 s at most).
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.warn({ err: error }, 'Redis is unreachable: rate-limited requests answer 503 until it is back');
  });
  redis.on('ready', () => {
    if (down) logger.info('Redis is reachable again');
    down = false;
  });
  await redis.connect().catch(() => undefined);
  return redis;
}

/** For `/api/health`: whether Redis answers one PING (bounded by the command timeout); no round trip while disconnected. */
export function redisHealthCheck(redis: Redis): () => Promise<boolean> {
  return async () => {
    if (redis.status !== 'ready') return false;
    try {
      await redis.ping();
      return true;
    } catch {
      return false;
    }
  };
}
