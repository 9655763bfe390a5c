import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../storage/schema.ts';

const checkSchema = z.enum(['ok', 'unavailable']);
const checksSchema = z
  .object({
    database: checkSchema,
    redis: checkSchema.optional().describe('Present when PASSLINE_REDIS_URL is set.'),
  })
  .describe('Each dependency: `ok` or `unavailable`.');

export function systemRoutes(deps: {
  db: Kysely<Database>;
  engine: string;
  /** Set when Redis holds the rate limits: a request cannot be served without it either. */
  redisReachable?: () => Promise<boolean>;
}): FastifyPluginAsyncZod {
  const databaseReachable = async () => {
    try {
      await sql`select 1`.execute(deps.db);
      return true;
    } catch {
      return false;
    }
  };

  return async (app) => {
    app.get(
      '/api/health',
      {
        schema: {
          tags: ['System'],
          summary: 'Liveness and reachability of the database (and Redis when configured)',
          response: {
            200: z.object({ status: z.literal('ok'), database: z.string(), checks: checksSchema }),
            503: z.object({ status: z.literal('unavailable'), database: z.string(), checks: checksSchema }),
          },
        },
      },
      async (_request, reply) => {
        // One trivial round trip to each, in parallel: cheap enough for a probe every few seconds.
        const [database, redis] = await Promise.all([databaseReachable(), deps.redisReachable?.()]);
        const checks = {
          database: database ? ('ok' as const) : ('unavailable' as const),
          ...(redis === undefined ? {} : { redis: redis ? ('ok' as const) : ('unavailable' as const) }),
        };
        if (database && redis !== false) return { status: 'ok' as const, database: deps.engine, checks };
        return reply.status(503).send({ status: 'unavailable' as const, database: deps.engine, checks });
      },
    );

    app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  };
}
