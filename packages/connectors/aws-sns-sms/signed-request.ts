import { amzDate, signSigV4 } from './sigv4.ts';

/** SNS's name in the credential scope, whatever host (region, proxy, simulator) the request goes to. */
export const signingService = 'sns';
export const formContentType = 'application/x-www-form-urlencoded; charset=utf-8';

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary credentials only: sent as X-Amz-Security-Token, and signed. */
  sessionToken?: string | undefined;
}

/**
 * The headers of a signed form POST. Host, Content-Type, X-Amz-Date and the session token are signed;
 * Host is not returned because fetch derives it from the URL, which is the value signed here.
 */
export function signFormPost(
  url: URL,
  body: string,
  credentials: SigningCredentials,
  region: string,
  now: Date,
): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': formContentType,
    'X-Amz-Date': amzDate(now),
  };
  if (credentials.sessionToken) headers['X-Amz-Security-Token'] = credentials.sessionToken;
  const { authorization } = signSigV4(
    {
      method: 'POST',
      path: url.pathname,
      query: url.search.slice(1),
      headers: [['Host', url.host], ...Object.entries(headers)],
      body,
    },
    credentials,
    { region, service: signingService, date: now },
  );
  return { ...headers, Authorization: authorization };
}
