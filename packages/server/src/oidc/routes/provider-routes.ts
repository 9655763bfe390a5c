import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { asIssuerRequest } from '../issuer-request.ts';

/**
 * oidc-provider's own endpoints (/oidc/*, discovery) are handed to it whole: it reads its bodies
 * itself, so this plugin registers a parser that leaves the stream untouched. It answers the
 * browser directly; its storage writes are committed before it does (oidc-adapter.ts).
 */
export function providerRoutes(deps: {
  handler: () => Promise<(req: IncomingMessage, res: ServerResponse) => Promise<void> | void>;
  issuer: () => string;
}): FastifyPluginAsyncZod {
  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    const forward = { schema: { hide: true } };
    const handle = async (
      request: { raw: IncomingMessage; ip: string },
      reply: { raw: ServerResponse; hijack(): void },
    ) => {
      const handler = await deps.handler();
      reply.hijack();
      await handler(asIssuerRequest(request.raw, deps.issuer(), request.ip), reply.raw);
    };
    app.all('/oidc/*', forward, handle);
    app.get('/.well-known/openid-configuration', forward, handle);
  };
}
