import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { faviconSvg } from '../favicon.ts';

/** Where `vite build` of packages/console writes. */
export const consoleDistDir = fileURLToPath(new URL('../../../../console/dist/', import.meta.url));

// The console loads nothing from elsewhere. CodeMirror injects <style> elements, hence
// 'unsafe-inline' for styles only; logos are data: URLs.
const contentSecurityPolicy = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const notBuiltPage = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Passline console</title>
<body style="font-family:sans-serif;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>The console is not built yet</h1>
<p>Run <code>npm start</code> from the repository root (it builds the console when needed), or
<code>npm run build -w @passline/console</code>, then reload this page.</p></body></html>`;

/**
 * Serves the console build under /console with a single-page-app fallback: any path that is not
 * a file gets index.html, and the console's router takes it from there. `/` redirects here.
 */
export function consoleRoutes(options: { distDir?: string } = {}): FastifyPluginAsync {
  const root = options.distDir ?? consoleDistDir;
  return async (app) => {
    // Rooted at the build's parent, which always exists: the build may appear after start-up (and
    // @fastify/static would warn at start about a missing root). Paths are checked below.
    await app.register(fastifyStatic, { root: dirname(root), serve: false });
    const built = (file: string) => join(basename(root), file);

    app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/console/'));
    // The icon of the console and the hosted pages; public, like the pages that reference it.
    app.get('/favicon.svg', { schema: { hide: true } }, async (_request, reply) =>
      reply
        .headers({
          'cache-control': 'public, max-age=86400',
          'x-content-type-options': 'nosniff',
          // Opened on its own, an SVG is a document: it may not run or load anything.
          'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
        })
        .type('image/svg+xml')
        .send(faviconSvg),
    );
    // Browsers and tools that look for the classic path without reading the page's <link>.
    app.get('/favicon.ico', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/favicon.svg'));
    app.get('/console', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/console/'));
    app.get<{ Params: { '*': string } }>('/console/*', { schema: { hide: true } }, async (request, reply) => {
      reply.header('content-security-policy', contentSecurityPolicy);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'same-origin');
      if (!existsSync(join(root, 'index.html'))) {
        return reply.status(503).type('text/html; charset=utf-8').send(notBuiltPage);
      }
      const wanted = normalize(request.params['*'] || 'index.html');
      const isFile =
        !wanted.startsWith('..') &&
        !wanted.startsWith(sep) &&
        existsSync(join(root, wanted)) &&
        statSync(join(root, wanted)).isFile();
      if (isFile && wanted.startsWith(`assets${sep}`)) {
        // Vite puts a content hash in every asset name: a changed file gets a new URL.
        return reply.sendFile(built(wanted), { maxAge: '365d', immutable: true });
      }
      if (isFile && wanted !== 'index.html') return reply.sendFile(built(wanted), { maxAge: 0 });
      // A missing file (an old asset, a favicon) is a 404, not the app: only page paths fall back.
      if (!isFile && /\.[a-z0-9]+$/i.test(wanted)) return reply.callNotFound();
      return reply.header('cache-control', 'no-cache').sendFile(built('index.html'), { cacheControl: false });
    });
  };
}
