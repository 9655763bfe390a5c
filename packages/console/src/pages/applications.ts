import { type Application, type ApplicationType, applicationInputLimits } from '@passline/contracts';

/** What the Applications pages say about each kind of OpenID Connect client. */
export const applicationTypeLabels: Record<ApplicationType, string> = {
  web: 'Traditional web app',
  spa: 'Single-page app',
  native: 'Native app',
};

export const applicationTypeHelp: Record<ApplicationType, string> = {
  web: 'Runs on a server that can keep a client secret (e.g. Express, Django, Rails, Next.js server side).',
  spa: 'Runs in the browser and cannot keep a secret: a public client that proves itself with PKCE.',
  native: 'A mobile or desktop app: a public client that proves itself with PKCE, no secret.',
};

/** The form's fields as the admin types them: URIs one per line. */
export interface ApplicationFields {
  name: string;
  redirectUris: string;
  postLogoutRedirectUris: string;
  firstParty: boolean;
}

export function fieldsOf(application: Application): ApplicationFields {
  return {
    name: application.name,
    redirectUris: application.redirectUris.join('\n'),
    postLogoutRedirectUris: application.postLogoutRedirectUris.join('\n'),
    firstParty: application.firstParty,
  };
}

/**
 * The URIs in a one-per-line textarea: each line trimmed, blank lines dropped, a repeated URI kept
 * once (pasting a list twice should not make the server refuse it). Whether a URI is acceptable is
 * the server's call: it knows the rules (schemes, fragments, loopback) and names the wrong one.
 */
export function parseUriLines(text: string): string[] {
  const uris: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const uri = line.trim();
    if (uri !== '' && !uris.includes(uri)) uris.push(uri);
  }
  return uris;
}

/** A problem worth stopping for before asking the server: an empty name or a wrong number of URIs. */
export function fieldsProblem(fields: ApplicationFields): string | undefined {
  if (fields.name.trim() === '') return 'Give the application a name.';
  const redirects = parseUriLines(fields.redirectUris).length;
  const { uris } = applicationInputLimits;
  if (redirects === 0) return 'Add at least one redirect URI.';
  if (redirects > uris) return `At most ${uris} redirect URIs.`;
  if (parseUriLines(fields.postLogoutRedirectUris).length > uris) return `At most ${uris} post-logout redirect URIs.`;
  return undefined;
}

/** The body of POST /api/applications. */
export function createBody(type: ApplicationType, fields: ApplicationFields) {
  return {
    name: fields.name.trim(),
    type,
    redirectUris: parseUriLines(fields.redirectUris),
    postLogoutRedirectUris: parseUriLines(fields.postLogoutRedirectUris),
    firstParty: fields.firstParty,
  };
}

export interface ApplicationPatch {
  name?: string;
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  firstParty?: boolean;
}

/**
 * The PATCH body: only what differs from the saved application, so a save does not overwrite what
 * another admin changed meanwhile in other fields. Empty when nothing changed (the form is clean).
 */
export function changesFrom(saved: Application, fields: ApplicationFields): ApplicationPatch {
  const patch: ApplicationPatch = {};
  const name = fields.name.trim();
  if (name !== saved.name) patch.name = name;
  const redirectUris = parseUriLines(fields.redirectUris);
  if (!sameList(redirectUris, saved.redirectUris)) patch.redirectUris = redirectUris;
  const postLogoutRedirectUris = parseUriLines(fields.postLogoutRedirectUris);
  if (!sameList(postLogoutRedirectUris, saved.postLogoutRedirectUris)) {
    patch.postLogoutRedirectUris = postLogoutRedirectUris;
  }
  if (fields.firstParty !== saved.firstParty) patch.firstParty = fields.firstParty;
  return patch;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

/**
 * What a developer pastes into their OpenID Connect client's configuration. The secret itself is
 * never in it: it was shown once, and the developer stored it.
 */
export function connectSnippet(application: Application, discoveryUrl: string): string {
  const lines = [`OIDC_DISCOVERY_URL=${discoveryUrl}`, `OIDC_CLIENT_ID=${application.id}`];
  if (application.type === 'web') {
    lines.push('OIDC_CLIENT_SECRET=<the client secret you stored>');
    lines.push('# Token endpoint authentication: client_secret_basic');
  } else {
    lines.push('# Public client: no secret. PKCE with code_challenge_method=S256 is required.');
  }
  const [redirectUri] = application.redirectUris;
  if (redirectUri) lines.push(`OIDC_REDIRECT_URI=${redirectUri}`);
  return `${lines.join('\n')}\n`;
}
