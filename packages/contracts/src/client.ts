import * as z from 'zod/mini';
import { type ErrorCode, errorBodySchema } from './errors.ts';

/** The answer of a route that answers 204 No Content. */
export const noContentSchema = z.null();

/** A route's response schema (any zod schema: these are zod/mini, the server's own are classic). */
export type ResponseSchema = z.core.$ZodType;
/** What a response schema accepts, as a type. */
export type ResponseOf<Schema extends ResponseSchema> = z.infer<Schema>;

/**
 * Codes the browser gives problems the server did not name: the server could not be reached, it
 * answered something this code does not expect, or it answered an error without Passline's body
 * (a proxy's 502 page, say).
 */
export type ClientErrorCode = 'network' | 'response.unexpected' | `http.${number}`;

export interface ApiErrorBody {
  code: ErrorCode | ClientErrorCode;
  message: string;
  details?: Record<string, unknown>;
  requestId?: string;
}

/** A request that did not get the answer it asked for. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** The HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    readonly body: ApiErrorBody,
    /** The Retry-After header, in seconds, when the server sent one. */
    readonly retryAfterSeconds?: number,
  ) {
    super(body.message);
  }
  get code(): ApiErrorBody['code'] {
    return this.body.code;
  }
  /** Field problems from `details.issues`, as `{ path, message }`. */
  get issues(): Array<{ path: string; message: string }> {
    const issues = this.body.details?.issues;
    return Array.isArray(issues) ? (issues as Array<{ path: string; message: string }>) : [];
  }
}

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Calls a same-origin Passline route and checks its answer against the route's response schema.
 * Resolves with the parsed answer; throws `ApiError` for an error response (with the server's code
 * and message), a server that cannot be reached, or an answer of an unexpected shape. Nothing the
 * server sends reaches the page unchecked.
 */
export async function requestApi<Schema extends ResponseSchema>(
  request: ApiRequest,
  responseSchema: Schema,
): Promise<ResponseOf<Schema>> {
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(request.path, {
      method: request.method,
      headers,
      credentials: 'same-origin',
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
    });
  } catch {
    throw new ApiError(0, { code: 'network', message: 'The Passline server cannot be reached.' });
  }
  const text = await response.text().catch(() => '');
  let parsed: unknown = null;
  let json = true;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    json = false;
  }
  if (!response.ok) {
    const retryAfter = Number(response.headers.get('retry-after')) || undefined;
    const error = json ? z.safeParse(errorBodySchema, parsed) : undefined;
    throw new ApiError(
      response.status,
      error?.success
        ? error.data.error
        : {
            code: `http.${response.status}`,
            message: `The server answered ${response.status} ${response.statusText}.`,
          },
      retryAfter,
    );
  }
  const result = json ? z.safeParse(responseSchema, parsed) : undefined;
  if (!result?.success) {
    const problem = result ? describeMismatch(result.error) : 'the answer is not JSON';
    throw new ApiError(response.status, {
      code: 'response.unexpected',
      message: `The server's answer to ${request.method} ${request.path.split('?')[0]} is not what this page expects (${problem}). Reload the page; if that does not help, the page and the server are from different versions.`,
      details: { issues: result ? issuesOf(result.error) : [] },
    });
  }
  return result.data;
}

function issuesOf(error: z.core.$ZodError): Array<{ path: string; message: string }> {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

/** The first few problems, as `items.0.id: Invalid input: expected string, received number`. */
function describeMismatch(error: z.core.$ZodError): string {
  const issues = issuesOf(error);
  const shown = issues.slice(0, 3).map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message));
  return issues.length > 3 ? `${shown.join('; ')}; and ${issues.length - 3} more` : shown.join('; ');
}
