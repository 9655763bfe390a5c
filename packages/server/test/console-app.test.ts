import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleRoutes } from '../src/http/routes/console-app.ts';

describe('serving the console build', () => {
  let dir: string;
  let app: FastifyInstance;
  let unbuilt: FastifyInstance;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'passline-console-dist-'));
    const dist = join(dir, 'dist');
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(dir, 'outside.txt'), 'secret');
    app = Fastify();
    await app.register(consoleRoutes({ distDir: dist }));
    unbuilt = Fastify();
    await unbuilt.register(consoleRoutes({ distDir: join(dir, 'missing') }));
  });
  afterAll(async () => {
    await app.close();
    await unbuilt.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('redirects / and /console to /console/', async () => {
    for (const url of ['/', '/console']) {
      const response = await app.inject({ url });
      expect(response.statusCode).toBe(302);
      expect(response.headers.location).toBe('/console/');
    }
  });

  it('serves index.html for every page path, with a CSP and no caching', async () => {
    for (const url of ['/console/', '/console/connectors/con_123']) {
      const response = await app.inject({ url });
      expect(response.statusCode, url).toBe(200);
      expect(response.body).toContain('<title>console</title>');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    }
  });

  it('serves hashed assets as immutable, and a missing file as 404', async () => {
    const asset = await app.inject({ url: '/console/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe('console.log(1)');
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await app.inject({ url: '/console/assets/index-old.js' })).statusCode).toBe(404);
    // Nothing outside the build folder, however the path is spelled.
    for (const url of ['/console/..%2foutside.txt', '/console/%2e%2e/outside.txt', '/console/../outside.txt']) {
      const response = await app.inject({ url });
      expect(response.body, url).not.toContain('secret');
    }
  });

  it('explains how to build the console when there is no build', async () => {
    const response = await unbuilt.inject({ url: '/console/' });
    expect(response.statusCode).toBe(503);
    expect(response.body).toContain('npm run build -w @passline/console');
  });
});
