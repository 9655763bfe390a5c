import type { IncomingMessage } from 'node:http';

/**
 * Makes a request look as if it came to the issuer (PASSLINE_PUBLIC_URL): oidc-provider builds every
 * URL it prints (discovery, redirects) and decides whether cookies are Secure from the request's
 * host and protocol, and the configured public URL is the one truth about both, whatever the proxy
 * in front sent. The provider trusts these forwarded headers only because they are set here.
 */
export function asIssuerRequest(request: IncomingMessage, issuer: string, clientIp: string): IncomingMessage {
  const url = new URL(issuer);
  request.headers['x-forwarded-host'] = url.host;
  request.headers['x-forwarded-proto'] = url.protocol.slice(0, -1);
  // The client as Passline's own proxy rules (PASSLINE_TRUST_PROXY) determined it, not as sent.
  request.headers['x-forwarded-for'] = clientIp;
  return request;
}
