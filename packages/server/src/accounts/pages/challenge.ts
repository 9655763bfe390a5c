// The proof of work the Experience API may ask for before it sends a code. When the server's
// challenge is `pow`, the page fetches an ALTCHA challenge as soon as it loads and solves it while
// the user types the number, so a send rarely waits; the solution goes in the send's `challenge`
// field, base64 of `{ challenge, solution }` as the ALTCHA widget sends it. A solution is good for
// one send, so the next one is prepared right after. The account page's sends need none.
//
// altcha-lib's own solver, with its WebCrypto PBKDF2 (browser-safe: no Node APIs). WebCrypto exists
// only in secure contexts (HTTPS, or localhost): elsewhere solving fails and the send goes without.
import { type ApiError, challengeDescriptionSchema } from '@passline/contracts';
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/web/pbkdf2';
import { api, type Result } from './client.ts';
import { flow } from './page-state.ts';

/** A solution with the time its challenge expires (epoch ms), or undefined when none is needed or none could be found. */
type Prepared = { payload: string; expiresAt: number } | undefined;

let next: Promise<Prepared> | undefined;

/** Fetches a fresh challenge and solves it; never throws (no challenge, no solution: the server says what it needs). */
async function prepare(): Promise<Prepared> {
  try {
    const described = await api('GET', '/api/experience/challenge', challengeDescriptionSchema);
    // A 404 (a server without the route) or `off`: nothing to solve. A CAPTCHA needs its provider's
    // widget, which these pages do not render.
    if (!described.ok || described.data.type !== 'pow') return undefined;
    const challenge = { parameters: described.data.parameters, signature: described.data.signature };
    const solution = await solveChallenge({ challenge, deriveKey });
    if (!solution) return undefined;
    return {
      payload: btoa(JSON.stringify({ challenge, solution })),
      expiresAt: (challenge.parameters.expiresAt ?? Number.POSITIVE_INFINITY) * 1000,
    };
  } catch {
    return undefined;
  }
}

/** The solution for the next send (undefined when none is needed), and the one after starts solving. */
async function takeSolution(): Promise<string | undefined> {
  let prepared = await (next ?? prepare());
  // Solved too long ago (the user took a while): the server would refuse it as expired.
  if (prepared && prepared.expiresAt < Date.now() + 10_000) prepared = await prepare();
  next = prepared ? prepare() : undefined;
  return prepared?.payload;
}

const challengeErrors: ReadonlySet<ApiError['code']> = new Set(['fraud.challenge_required', 'fraud.challenge_failed']);

/**
 * Sends with the prepared solution. When the server asks for a challenge or refuses the solution
 * (it expired, the settings changed since the page loaded), it solves a fresh one and sends once more.
 */
export async function withChallenge<T>(
  send: (challenge: string | undefined) => Promise<Result<T>>,
): Promise<Result<T>> {
  const first = await send(await takeSolution());
  if (first.ok || !challengeErrors.has(first.error.code)) return first;
  const retry = await prepare();
  next = retry ? prepare() : undefined;
  return retry ? send(retry.payload) : first;
}

// Started as the page loads: the work is done while the user types.
if (flow !== 'account') next = prepare();
