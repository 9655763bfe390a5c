import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';

/**
 * A small web application that signs its users in with Passline the way a real one does: with
 * openid-client, the standard Node relying-party library. `/login` starts an authorization request
 * (PKCE S256, state), `/callback` exchanges the code, `/signed-out` is the post-logout page. With
 * `?exchange=no` the callback keeps the code for the test to exchange itself.
 */
export interface RelyingParty {
  base: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
  /** The last completed sign-in, per application. */
  signIns: Map<string, { tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers }>;
  /** The last callback URL kept without exchanging it, and the verifier it needs. */
  pending: Map<string, { callbackUrl: URL; verifier: string; state: string }>;
  /** The last error a callback met. */
  errors: Map<string, string>;
  use(name: string, config: client.Configuration, authorization?: Record<string, string>): void;
  close(): Promise<void>;
}

export async function startRelyingParty(): Promise<RelyingParty> {
  const configs = new Map<string, { config: client.Configuration; authorization: Record<string, string> }>();
  const flows = new Map<string, { app: string; verifier: string; exchange: boolean }>();
  const signIns: RelyingParty['signIns'] = new Map();
  const pending: RelyingParty['pending'] = new Map();
  const errors: RelyingParty['errors'] = new Map();
  let base = '';

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', base);
    const html = (status: number, text: string) => {
      response.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html><title>App</title><p id="app-message">${text}</p>`);
    };
    (async () => {
      if (url.pathname === '/login') {
        const app = url.searchParams.get('app') ?? '';
        const entry = configs.get(app);
        if (!entry) return html(404, 'unknown app');
        const verifier = client.randomPKCECodeVerifier();
        const state = client.randomState();
        flows.set(state, { app, verifier, exchange: url.searchParams.get('exchange') !== 'no' });
        const target = client.buildAuthorizationUrl(entry.config, {
          redirect_uri: `${base}/callback`,
          scope: 'openid phone offline_access',
          prompt: 'consent',
          code_challenge: await client.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
          ...entry.authorization,
        });
        response.writeHead(302, { location: target.href });
        return response.end();
      }
      if (url.pathname === '/callback') {
        const state = url.searchParams.get('state') ?? '';
        const flow = flows.get(state);
        if (!flow) return html(400, 'unknown state');
        const entry = configs.get(flow.app);
        if (!entry) return html(400, 'unknown app');
        if (url.searchParams.has('error')) {
          errors.set(flow.app, url.searchParams.get('error') ?? '');
          return html(200, `Error: ${url.searchParams.get('error')}`);
        }
        if (!flow.exchange) {
          pending.set(flow.app, { callbackUrl: url, verifier: flow.verifier, state });
          return html(200, 'Code kept');
        }
        const tokens = await client.authorizationCodeGrant(entry.config, url, {
          pkceCodeVerifier: flow.verifier,
          expectedState: state,
        });
        signIns.set(flow.app, { tokens });
        return html(200, `Signed in as ${String(tokens.claims()?.phone_number)}`);
      }
      if (url.pathname === '/signed-out') return html(200, 'Signed out of the app');
      return html(404, 'not found');
    })().catch((error: unknown) => {
      errors.set('callback', String(error));
      html(500, 'callback failed');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    redirectUri: `${base}/callback`,
    postLogoutRedirectUri: `${base}/signed-out`,
    signIns,
    pending,
    errors,
    use(name, config, authorization = {}) {
      configs.set(name, { config, authorization });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
