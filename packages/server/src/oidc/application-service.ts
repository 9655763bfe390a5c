import { randomBytes } from 'node:crypto';
import type { ApplicationType } from '@passline/contracts';
import type { Kysely } from 'kysely';
import type { AdapterPayload } from 'oidc-provider';
import type { Clock } from '../clock.ts';
import { newId } from '../crypto/codes.ts';
import type { KeyRing } from '../crypto/keys.ts';
import { open, seal, sealContext } from '../crypto/secret-box.ts';
import { AppError } from '../errors.ts';
import type { Database } from '../storage/schema.ts';
import type { ApplicationRow } from './queries/applications.ts';
import * as applications from './queries/applications.ts';

export interface ApplicationInput {
  name: string;
  type: ApplicationType;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  firstParty?: boolean;
}

export type ApplicationChanges = Partial<Omit<ApplicationInput, 'type'>>;

export type ApplicationService = ReturnType<typeof createApplicationService>;

/**
 * Applications are OpenID Connect clients kept in Passline's own table (not oidc-provider's
 * dynamic registration). A `web` application's secret is random, shown once, and sealed at rest
 * like connector secrets; oidc-provider compares it in constant time.
 */
export function createApplicationService(deps: {
  db: Kysely<Database>;
  keys: KeyRing;
  clock: Clock;
  /** oidc-provider's own client validation: throws with a message naming what is wrong. */
  validateClient: (metadata: AdapterPayload) => Promise<void>;
  /** Ends every grant, session and token of the application (deleted, or its secret replaced). */
  endSignIns: (clientId: string) => Promise<void>;
}) {
  const { db, clock } = deps;

  const newSecret = () => randomBytes(32).toString('base64url');

  function metadataOf(row: ApplicationRow, clientSecret: string | undefined): AdapterPayload {
    return {
      client_id: row.id,
      client_name: row.name,
      application_type: row.type === 'native' ? 'native' : 'web',
      redirect_uris: JSON.parse(row.redirect_uris) as string[],
      post_logout_redirect_uris: JSON.parse(row.post_logout_redirect_uris) as string[],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: row.type === 'web' ? 'client_secret_basic' : 'none',
      id_token_signed_response_alg: 'ES256',
      ...(clientSecret !== undefined ? { client_secret: clientSecret } : {}),
    };
  }

  async function validate(row: ApplicationRow): Promise<void> {
    try {
      // A placeholder secret: validation looks at its presence, never its value.
      await deps.validateClient(metadataOf(row, row.type === 'web' ? 'x'.repeat(43) : undefined));
    } catch (error) {
      const description = (error as { error_description?: unknown }).error_description;
      throw new AppError(
        'application.invalid',
        typeof description === 'string' ? `The application is not valid: ${description}.` : undefined,
      );
    }
  }

  async function find(id: string): Promise<ApplicationRow> {
    const row = await applications.findApplication(db, id);
    if (!row) throw new AppError('application.not_found');
    return row;
  }

  return {
    list: () => applications.listApplications(db),
    get: find,

    async create(input: ApplicationInput): Promise<{ row: ApplicationRow; clientSecret?: string }> {
      const now = clock.now();
      const id = newId('app', now);
      const clientSecret = input.type === 'web' ? newSecret() : undefined;
      const row: ApplicationRow = {
        id,
        name: input.name,
        type: input.type,
        redirect_uris: JSON.stringify(input.redirectUris),
        post_logout_redirect_uris: JSON.stringify(input.postLogoutRedirectUris ?? []),
        first_party: input.firstParty === false ? 0 : 1,
        client_secret: clientSecret ? seal(deps.keys, clientSecret, sealContext.applicationSecret(id)) : null,
        created_at: now,
        updated_at: now,
      };
      await validate(row);
      await applications.insertApplication(db, row);
      return { row, clientSecret };
    },

    async update(id: string, changes: ApplicationChanges): Promise<ApplicationRow> {
      const current = await find(id);
      const next: ApplicationRow = {
        ...current,
        name: changes.name ?? current.name,
        redirect_uris: changes.redirectUris ? JSON.stringify(changes.redirectUris) : current.redirect_uris,
        post_logout_redirect_uris: changes.postLogoutRedirectUris
          ? JSON.stringify(changes.postLogoutRedirectUris)
          : current.post_logout_redirect_uris,
        first_party: changes.firstParty === undefined ? current.first_party : changes.firstParty ? 1 : 0,
        updated_at: clock.now(),
      };
      await validate(next);
      const { id: _id, created_at: _created, client_secret: _secret, ...columns } = next;
      if (!(await applications.updateApplication(db, id, columns))) throw new AppError('application.not_found');
      return next;
    },

    async delete(id: string): Promise<void> {
      await find(id);
      await deps.endSignIns(id);
      if (!(await applications.deleteApplication(db, id))) throw new AppError('application.not_found');
    },

    /**
     * A new secret, shown once; the old one stops working at once. Tokens already issued keep
     * working (deleting the application ends them): rotating is routine, not an incident switch.
     */
    async rotateSecret(id: string): Promise<{ row: ApplicationRow; clientSecret: string }> {
      const current = await find(id);
      if (current.type !== 'web') {
        throw new AppError(
          'application.invalid',
          'Only web applications have a client secret; spa and native apps use PKCE.',
        );
      }
      const clientSecret = newSecret();
      const row = {
        ...current,
        client_secret: seal(deps.keys, clientSecret, sealContext.applicationSecret(id)),
        updated_at: clock.now(),
      };
      await applications.updateApplication(db, id, { client_secret: row.client_secret, updated_at: row.updated_at });
      return { row, clientSecret };
    },

    /** What oidc-provider's Client model reads; undefined for an unknown client id. */
    async clientMetadata(clientId: string): Promise<AdapterPayload | undefined> {
      const row = await applications.findApplication(db, clientId);
      if (!row) return undefined;
      const secret = row.client_secret
        ? open(deps.keys, row.client_secret, sealContext.applicationSecret(row.id))
        : undefined;
      return metadataOf(row, secret);
    },

    async names(ids: string[]): Promise<Map<string, string>> {
      return new Map((await applications.findApplicationNames(db, ids)).map((row) => [row.id, row.name]));
    },
  };
}
