import { createHash, randomBytes } from 'node:crypto';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createOidcAdapterFactory } from '../src/oidc/oidc-adapter.ts';
import {
  deleteExpiredOidcPayloads,
  deleteOidcPayloadsByAccount,
  listGrantsOfAccount,
} from '../src/oidc/queries/oidc-payloads.ts';
import type { Storage } from '../src/storage/database.ts';
import { manualClock } from './app.ts';
import { describeEachEngine } from './engines.ts';
import { openMigratedStorage } from './storage-helpers.ts';

/** A token id as oidc-provider makes them: random, and the secret itself. */
const tokenId = () => randomBytes(32).toString('base64url');
const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

describeEachEngine('OpenID Connect adapter storage', (database) => {
  let storage: Storage;
  let adapter: (model: string) => Adapter;
  const clock = manualClock();
  const clientLookups: string[] = [];
  const client: AdapterPayload = { client_id: 'app_known', client_name: 'Known', redirect_uris: ['https://a.test/cb'] };

  beforeAll(async () => {
    ({ storage } = await openMigratedStorage(database()));
    adapter = createOidcAdapterFactory({
      db: storage.db,
      durably: storage.durably,
      clock,
      findClient: async (clientId) => {
        clientLookups.push(clientId);
        return clientId === client.client_id ? client : undefined;
      },
    });
  });
  afterAll(() => storage.close());

  const storedRow = (model: string, id: string) =>
    storage.db
      .selectFrom('oidc_payloads')
      .selectAll()
      .where('model', '=', model)
      .where('id', '=', sha256(id))
      .executeTakeFirst();
  const rowsOfModel = (model: string) =>
    storage.db.selectFrom('oidc_payloads').selectAll().where('model', '=', model).execute();

  it('finds what it stored, with the jti asked for, keyed by the SHA-256 of the id and without it in the JSON', async () => {
    const id = tokenId();
    const payload: AdapterPayload = {
      jti: id,
      kind: 'AccessToken',
      accountId: 'usr_a1',
      clientId: 'app_a1',
      grantId: 'grant-a1',
      scope: 'openid phone',
      iat: 1,
      exp: 2,
    };
    await adapter('AccessToken').upsert(id, payload, 600);

    expect(await adapter('AccessToken').find(id)).toEqual(payload);
    // Another model with the same id is another record.
    expect(await adapter('RefreshToken').find(id)).toBeUndefined();
    expect(await adapter('AccessToken').find(tokenId())).toBeUndefined();

    const [row] = (await rowsOfModel('AccessToken')).filter((candidate) => candidate.payload.includes('grant-a1'));
    expect(row?.id).toBe(sha256(id));
    expect(row?.id).not.toBe(id);
    expect(row?.payload).not.toContain(id);
    expect(JSON.parse(row?.payload ?? '{}')).not.toHaveProperty('jti');
    expect(row).toMatchObject({ grant_id: 'grant-a1', account_id: 'usr_a1', client_id: 'app_a1', consumed_at: null });
    expect(Number(row?.expires_at)).toBe(clock.now() + 600_000);
  });

  it('keeps a session’s jti in its JSON (it is found by uid), and finds it by uid', async () => {
    const id = tokenId();
    const uid = `uid-${tokenId()}`;
    const session: AdapterPayload = { jti: id, kind: 'Session', uid, accountId: 'usr_s1', loginTs: 5 };
    await adapter('Session').upsert(id, session, 3600);

    const row = await storedRow('Session', id);
    expect(row?.id).toBe(sha256(id));
    expect(JSON.parse(row?.payload ?? '{}')).toMatchObject({ jti: id, uid });
    expect(row?.uid).toBe(uid);

    expect(await adapter('Session').findByUid(uid)).toEqual(session);
    expect(await adapter('Session').find(id)).toEqual(session);
    expect(await adapter('Session').findByUid('uid-unknown')).toBeUndefined();
    // Only the Session model is looked up by uid.
    expect(await adapter('Interaction').findByUid(uid)).toBeUndefined();

    clock.advance(3600 * 1000);
    expect(await adapter('Session').findByUid(uid)).toBeUndefined();
  });

  it('replaces a record saved twice, keeping one row', async () => {
    const id = tokenId();
    const sessions = adapter('Session');
    await sessions.upsert(id, { jti: id, kind: 'Session', uid: 'uid-twice', accountId: 'usr_t1' }, 60);
    await sessions.upsert(id, { jti: id, kind: 'Session', uid: 'uid-twice-2', accountId: 'usr_t2', loginTs: 9 }, 120);

    expect(await sessions.find(id)).toEqual({
      jti: id,
      kind: 'Session',
      uid: 'uid-twice-2',
      accountId: 'usr_t2',
      loginTs: 9,
    });
    expect(await sessions.findByUid('uid-twice')).toBeUndefined();
    const rows = (await rowsOfModel('Session')).filter((row) => row.id === sha256(id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ account_id: 'usr_t2', uid: 'uid-twice-2' });
    // The second save's lifetime counts: alive after the first one's 60 s.
    clock.advance(61_000);
    expect(await sessions.find(id)).toBeDefined();
  });

  it('forgets a record once its lifetime has passed; one saved without a lifetime never expires', async () => {
    const codes = adapter('AuthorizationCode');
    const shortLived = tokenId();
    const forever = tokenId();
    const zero = tokenId();
    await codes.upsert(shortLived, { jti: shortLived, kind: 'AuthorizationCode', clientId: 'app_e1' }, 60);
    await codes.upsert(forever, { jti: forever, kind: 'AuthorizationCode', clientId: 'app_e1' });
    await codes.upsert(zero, { jti: zero, kind: 'AuthorizationCode', clientId: 'app_e1' }, 0);

    clock.advance(59_999);
    expect(await codes.find(shortLived)).toMatchObject({ jti: shortLived });
    clock.advance(1);
    expect(await codes.find(shortLived)).toBeUndefined();

    clock.advance(10 * 365 * 86_400_000);
    expect(await codes.find(forever)).toMatchObject({ jti: forever });
    expect(await codes.find(zero)).toMatchObject({ jti: zero });
    expect((await storedRow('AuthorizationCode', forever))?.expires_at).toBeNull();
  });

  it('marks a consumed record with the time in seconds on every later find', async () => {
    const codes = adapter('AuthorizationCode');
    const id = tokenId();
    const other = tokenId();
    await codes.upsert(id, { jti: id, kind: 'AuthorizationCode', clientId: 'app_c1' }, 60);
    await codes.upsert(other, { jti: other, kind: 'AuthorizationCode', clientId: 'app_c1' }, 60);
    expect(await codes.find(id)).not.toHaveProperty('consumed');

    clock.advance(1500);
    const consumedAt = clock.now();
    await codes.consume(id);
    clock.advance(2000);

    expect((await codes.find(id))?.consumed).toBe(Math.floor(consumedAt / 1000));
    expect((await codes.find(id))?.consumed).toBe(Math.floor(consumedAt / 1000));
    expect(await codes.find(other)).not.toHaveProperty('consumed');
  });

  it('destroys one record', async () => {
    const tokens = adapter('RefreshToken');
    const [gone, kept] = [tokenId(), tokenId()];
    for (const id of [gone, kept]) await tokens.upsert(id, { jti: id, kind: 'RefreshToken', grantId: 'grant-d1' }, 600);
    await tokens.destroy(gone);
    expect(await tokens.find(gone)).toBeUndefined();
    expect(await storedRow('RefreshToken', gone)).toBeUndefined();
    expect(await tokens.find(kept)).toMatchObject({ jti: kept });
  });

  it('revokes by grant only the records of that model and that grant', async () => {
    const [access1, access2, refresh1, otherGrant] = [tokenId(), tokenId(), tokenId(), tokenId()];
    await adapter('AccessToken').upsert(access1, { jti: access1, kind: 'AccessToken', grantId: 'grant-r1' }, 600);
    await adapter('AccessToken').upsert(access2, { jti: access2, kind: 'AccessToken', grantId: 'grant-r1' }, 600);
    await adapter('RefreshToken').upsert(refresh1, { jti: refresh1, kind: 'RefreshToken', grantId: 'grant-r1' }, 600);
    await adapter('AccessToken').upsert(otherGrant, { jti: otherGrant, kind: 'AccessToken', grantId: 'grant-r2' }, 600);
    // The grant itself: its own id is the grant id its tokens point to.
    await adapter('Grant').upsert('grant-r1', { jti: 'grant-r1', kind: 'Grant', accountId: 'usr_r1' }, 600);

    await adapter('AccessToken').revokeByGrantId('grant-r1');

    expect(await adapter('AccessToken').find(access1)).toBeUndefined();
    expect(await adapter('AccessToken').find(access2)).toBeUndefined();
    expect(await adapter('RefreshToken').find(refresh1)).toMatchObject({ jti: refresh1 });
    expect(await adapter('AccessToken').find(otherGrant)).toMatchObject({ jti: otherGrant });
    expect(await adapter('Grant').find('grant-r1')).toMatchObject({ jti: 'grant-r1', accountId: 'usr_r1' });
    expect((await storedRow('Grant', 'grant-r1'))?.grant_id).toBe('grant-r1');
  });

  it('reads the Client model through findClient and refuses to store clients', async () => {
    const clients = adapter('Client');
    expect(await clients.find('app_known')).toEqual(client);
    expect(await clients.find('app_unknown')).toBeUndefined();
    expect(clientLookups).toEqual(['app_known', 'app_unknown']);
    await expect(clients.upsert('app_new', { client_id: 'app_new' }, 0)).rejects.toThrow(/\/api\/applications/);
    expect(await rowsOfModel('Client')).toEqual([]);
  });

  it('deletes only the expired rows', async () => {
    const codes = adapter('AuthorizationCode');
    const [expiring, later, forever] = [tokenId(), tokenId(), tokenId()];
    await codes.upsert(expiring, { jti: expiring, kind: 'AuthorizationCode' }, 10);
    await codes.upsert(later, { jti: later, kind: 'AuthorizationCode' }, 20);
    await codes.upsert(forever, { jti: forever, kind: 'AuthorizationCode' });
    clock.advance(10_000);

    const before = await storage.db.selectFrom('oidc_payloads').select(['model', 'id', 'expires_at']).execute();
    const now = clock.now();
    const expired = before.filter((row) => row.expires_at !== null && Number(row.expires_at) <= now);
    expect(expired.map((row) => row.id)).toContain(sha256(expiring));

    expect(await deleteExpiredOidcPayloads(storage.db, now)).toBe(expired.length);
    const after = await storage.db.selectFrom('oidc_payloads').select(['model', 'id']).execute();
    expect(after.length).toBe(before.length - expired.length);
    expect(await storedRow('AuthorizationCode', expiring)).toBeUndefined();
    expect(await codes.find(later)).toMatchObject({ jti: later });
    expect(await codes.find(forever)).toMatchObject({ jti: forever });
    expect(await deleteExpiredOidcPayloads(storage.db, now)).toBe(0);
  });

  it('lists an account’s live grants with their last use, and deletes every record of one account', async () => {
    const account = 'usr_g1';
    const start = clock.now();
    await adapter('Grant').upsert(
      'grant-g1',
      { jti: 'grant-g1', kind: 'Grant', accountId: account, clientId: 'app_x' },
      3600,
    );
    clock.advance(1000);
    await adapter('Grant').upsert('grant-g2', {
      jti: 'grant-g2',
      kind: 'Grant',
      accountId: account,
      clientId: 'app_y',
    });
    await adapter('Grant').upsert(
      'grant-g3',
      { jti: 'grant-g3', kind: 'Grant', accountId: account, clientId: 'app_z' },
      5,
    );
    await adapter('Grant').upsert(
      'grant-o1',
      { jti: 'grant-o1', kind: 'Grant', accountId: 'usr_g2', clientId: 'app_x' },
      3600,
    );
    const session = tokenId();
    await adapter('Session').upsert(
      session,
      { jti: session, kind: 'Session', uid: 'uid-g1', accountId: account },
      3600,
    );
    clock.advance(4000);
    const refresh = tokenId();
    const access = tokenId();
    await adapter('RefreshToken').upsert(
      refresh,
      { jti: refresh, kind: 'RefreshToken', accountId: account, clientId: 'app_x', grantId: 'grant-g1' },
      3600,
    );
    clock.advance(2000);
    const lastUse = clock.now();
    await adapter('AccessToken').upsert(
      access,
      { jti: access, kind: 'AccessToken', accountId: account, clientId: 'app_x', grantId: 'grant-g1' },
      600,
    );

    // grant-g3 has expired (5 s); grant-g2 has no record under it but itself.
    const grants = await listGrantsOfAccount(storage.db, account, clock.now());
    expect(grants.sort((a, b) => a.grantId.localeCompare(b.grantId))).toEqual([
      { grantId: 'grant-g1', clientId: 'app_x', createdAt: start, lastUsedAt: lastUse, expiresAt: start + 3_600_000 },
      { grantId: 'grant-g2', clientId: 'app_y', createdAt: start + 1000, lastUsedAt: start + 1000, expiresAt: null },
    ]);
    expect(await listGrantsOfAccount(storage.db, 'usr_nobody', clock.now())).toEqual([]);

    // Three grants (one of them expired), the session, the refresh and the access token.
    expect(await deleteOidcPayloadsByAccount(storage.db, account)).toBe(6);
    expect(await listGrantsOfAccount(storage.db, account, clock.now())).toEqual([]);
    expect(await adapter('Session').findByUid('uid-g1')).toBeUndefined();
    expect(await adapter('AccessToken').find(access)).toBeUndefined();
    expect(await listGrantsOfAccount(storage.db, 'usr_g2', clock.now())).toMatchObject([{ grantId: 'grant-o1' }]);
  });
});
