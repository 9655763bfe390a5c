import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { expect, it } from 'vitest';
import { migrate, openStorage } from '../src/storage/database.ts';
import { describeEachEngine, postgresUrl } from './engines.ts';

// The migrator scans every schema of the database; schemas that other clients create and drop
// meanwhile (parallel test runs do, on one database) must not make a start fail.
describeEachEngine(
  'migrations while other schemas come and go',
  (database) => {
    it('migrates fresh schemas while another client creates and drops schemas', async () => {
      const churn = new pg.Client({ connectionString: postgresUrl });
      await churn.connect();
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      let stop = false;
      const churning = (async () => {
        for (let round = 0; !stop && round < 2000; round++) {
          const names = Array.from({ length: 8 }, () => `churn_${randomBytes(5).toString('hex')}`);
          // Tables too: the scan asks pg_get_serial_sequence of every column with a default.
          await churn.query(
            names.map((name) => `create schema ${name}; create table ${name}.t (id serial primary key)`).join(';'),
          );
          await churn.query(names.map((name) => `drop schema ${name} cascade`).join(';'));
        }
      })();
      const schemas = Array.from({ length: 6 }, () => `m_${randomBytes(5).toString('hex')}`);
      try {
        for (const schema of schemas) {
          await admin.query(`create schema ${schema}`);
          const storage = openStorage(database().config.database, { searchPath: schema });
          try {
            expect((await migrate(storage.db)).length).toBeGreaterThan(0);
          } finally {
            await storage.close();
          }
        }
      } finally {
        stop = true;
        await churning;
        for (const schema of schemas) await admin.query(`drop schema if exists ${schema} cascade`);
        await churn.end();
        await admin.end();
      }
    });
  },
  { sqlite: 'the scan of other schemas is PostgreSQL only' },
);
