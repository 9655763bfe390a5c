import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type Provider from 'oidc-provider';
import type { ClientMetadata } from 'oidc-provider';
import type { Accounts } from '../accounts/create-accounts.ts';
import type { UserSessionSource } from '../accounts/user-admin/user-session-source.ts';
import type { Clock } from '../clock.ts';
import type { KeyRing } from '../crypto/keys.ts';
import type { ApiKeyService } from '../services/api-key-service.ts';
import type { Storage } from '../storage/database.ts';
import type { Database } from '../storage/schema.ts';
import { type ApplicationService, createApplicationService } from './application-service.ts';
import { createOidcAdapterFactory } from './oidc-adapter.ts';
import { buildProvider } from './oidc-provider-config.ts';
import { createOidcSessions } from './oidc-sessions.ts';
import { deleteExpiredOidcPayloads, deleteOidcPayloadsByClient } from './queries/oidc-payloads.ts';
import { applicationRoutes } from './routes/application-routes.ts';
import { interactionRoutes } from './routes/interaction-routes.ts';
import { providerRoutes } from './routes/provider-routes.ts';

export interface Oidc {
  applications: ApplicationService;
  /** The users admin lists and ends OpenID Connect sign-ins through this. */
  sessions: UserSessionSource;
  /** The provider for the current issuer and signing keys (built on first use, rebuilt after a key rotation). */
  provider(): Promise<Provider>;
  /** Deletes expired codes, tokens, sessions and interactions (housekeeping). */
  deleteExpired(): Promise<number>;
  routes(deps: { apiKeys: ApiKeyService }): FastifyPluginAsyncZod;
}

/** Passline as an OpenID Connect provider: its sign-in is the hosted pages' phone code. */
export function createOidc(deps: {
  db: Kysely<Database>;
  durably: Storage['durably'];
  keys: KeyRing;
  clock: Clock;
  accounts: Pick<Accounts, 'tokens' | 'experience' | 'pages'>;
  issuer: () => string;
}): Oidc {
  const { db, durably, clock } = deps;
  let current:
    | { version: string; provider: Provider; handler: (req: IncomingMessage, res: ServerResponse) => Promise<void> }
    | undefined;

  const applications = createApplicationService({
    db,
    keys: deps.keys,
    clock,
    validateClient: async (metadata) => (await provider()).Client.validate(metadata as ClientMetadata),
    endSignIns: (clientId) => durably(() => deleteOidcPayloadsByClient(db, clientId)),
  });
  const adapter = createOidcAdapterFactory({ db, durably, clock, findClient: applications.clientMetadata });

  async function built() {
    const issuer = deps.issuer();
    const version = `${issuer} ${(await deps.accounts.tokens.keyIds()).join(',')}`;
    if (current?.version !== version) {
      const provider = await buildProvider(issuer, await deps.accounts.tokens.privateJwks(), {
        db,
        keys: deps.keys,
        adapter,
        corsAllowed: (origin, redirectUris) =>
          redirectUris.some((uri) => URL.canParse(uri) && new URL(uri).origin === origin),
      });
      current = { version, provider, handler: provider.callback() };
    }
    return current;
  }

  async function provider(): Promise<Provider> {
    return (await built()).provider;
  }

  return {
    applications,
    sessions: createOidcSessions({ db, durably, clock, applications }),
    provider,
    deleteExpired: () => deleteExpiredOidcPayloads(db, clock.now()),
    routes:
      ({ apiKeys }) =>
      async (app) => {
        await app.register(applicationRoutes({ applications, apiKeys, issuer: deps.issuer }));
        await app.register(providerRoutes({ handler: async () => (await built()).handler, issuer: deps.issuer }));
        await app.register(
          interactionRoutes({
            provider,
            experience: deps.accounts.experience,
            applications,
            render: deps.accounts.pages,
            issuer: deps.issuer,
          }),
        );
      },
  };
}
