/** The Management API as the console uses it: same origin, session cookie, CSRF header on changes. */

export interface ApiErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
  }
  get code(): string {
    return this.body.code;
  }
  /** Field problems from `details.issues`, as `{ path, message }`. */
  get issues(): Array<{ path: string; message: string }> {
    const issues = this.body.details?.issues;
    return Array.isArray(issues) ? (issues as Array<{ path: string; message: string }>) : [];
  }
}

let csrfToken: string | undefined;
let onSessionEnded: (() => void) | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called when the server says the session is over, so the app can show the sign-in page. */
export function onUnauthenticated(handler: () => void): void {
  onSessionEnded = handler;
}

export async function api<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, { code: 'network', message: 'The Passline server cannot be reached. Is it running?' });
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = (parsed as { error?: ApiErrorBody } | undefined)?.error ?? {
      code: `http.${response.status}`,
      message: `The server answered ${response.status} ${response.statusText}.`,
    };
    const apiError = new ApiError(response.status, error);
    const ended = error.code === 'auth.session_invalid' || error.code === 'auth.missing_credentials';
    if (response.status === 401 && ended && !path.startsWith('/api/admin/')) onSessionEnded?.();
    throw apiError;
  }
  return parsed as T;
}

export interface Session {
  username: string;
  csrfToken: string;
  expiresAt: string;
}

export interface FactorySummary {
  id: string;
  type: 'sms' | 'email';
  name: string;
  description: string;
  logo: string;
}

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  default?: unknown;
  description?: string;
  title?: string;
  writeOnly?: boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
}

export interface Factory extends FactorySummary {
  readme: string;
  configSchema: JsonSchema;
  secretFields: string[];
  configTemplate?: Record<string, unknown>;
  /** The `{{variables}}` Passline fills into template texts, e.g. ['code', 'expiresInMinutes']. */
  templateVariables?: string[];
  /** Usages sent without a code (account notices such as PhoneChanged): their texts take no variables. */
  noticeUsages?: string[];
}

export interface Connector {
  id: string;
  factoryId: string;
  type: 'sms' | 'email';
  name: string;
  logo: string;
  active: boolean;
  config: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/** What the server sends in place of a stored secret; sending it back keeps the stored value. */
export const secretMask = '••••••••';
