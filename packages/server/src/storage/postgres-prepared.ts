import { createHash } from 'node:crypto';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';

/**
 * Wraps a pg pool so statements with parameters run as named prepared statements: each connection
 * parses and plans a given SQL text once instead of on every call, which is most of PostgreSQL's
 * work for Passline's small queries. Statements without parameters (DDL, BEGIN, COMMIT) stay unnamed.
 *
 * A schema change makes PostgreSQL refuse an old plan ("cached plan must not change result type");
 * such a statement is retried once unnamed, so a migration applied by another instance never turns
 * into errors here.
 */
export function preparedStatementPool(pool: pg.Pool): PostgresPool {
  const names = new Map<string, string>();
  const nameOf = (sql: string) => {
    let name = names.get(sql);
    if (!name) {
      name = `passline_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`;
      names.set(sql, name);
    }
    return name;
  };
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      return {
        async query<R>(sql: unknown, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
          if (typeof sql !== 'string' || !parameters?.length) {
            return client.query(sql as string, parameters as unknown[]) as unknown as Promise<PostgresQueryResult<R>>;
          }
          try {
            return (await client.query({ name: nameOf(sql), text: sql, values: parameters as unknown[] })) as never;
          } catch (error) {
            if ((error as { code?: string }).code !== '0A000') throw error;
            return (await client.query(sql, parameters as unknown[])) as never;
          }
        },
        release: () => client.release(),
      } as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}
