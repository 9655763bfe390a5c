import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

/**
 * oidc-provider's own endpoints (/oidc/*, discovery) are handed to it whole: it reads its bodies
 * itself, so this plugin registers a parser that leaves the stream untouched. It answers the
 * browser directly; its storage writes are committed before it does (oidc-adapter.ts).
 */
export function providerRoutes(deps: {
  handler: () => Promise<(req: IncomingMessage, res: ServerResponse) => Promise<void> | void>;
}): FastifyPluginAsyncZod {
  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    const forward = { schema: { hide: true } };
    const handle = async (request: { raw: IncomingMessage }, reply: { raw: ServerResponse; hijack(): void }) => {
      const handler = await deps.handler();
      reply.hijack();
      await handler(request.raw, reply.raw);
    };
    app.all('/oidc/*', forward, handle);
    app.get('/.well-known/openid-configuration', forward, handle);
  };
}
