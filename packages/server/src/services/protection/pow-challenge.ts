import { hkdfSync } from 'node:crypto';
import { type PowChallengeParameters, powChallengeParametersSchema } from '@passline/contracts';
import { type Challenge, createChallenge, randomInt, type Solution, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import * as z from 'zod/mini';
import type { Clock } from '../../clock.ts';
import type { DerivedKeys, KeyRing } from '../../crypto/keys.ts';
import { AppError } from '../../errors.ts';
import type { RateLimiter } from '../limits/rate-limiter.ts';

// ALTCHA proof of work, protocol v2 (altcha-lib 2, the widget 3).
//
// The algorithm is PBKDF2/SHA-256: the widget 3 bundles PBKDF2 and SHA workers by default (Argon2id
// and scrypt need workers imported separately), altcha-lib ships it for Node (node:crypto, run on
// libuv's thread pool) and for browsers (WebCrypto, `altcha-lib/algorithms/web/pbkdf2`), and its
// documentation names it the default. Iterated SHA is meant for tests; Argon2id needs Node 24.7.
//
// Deterministic mode: the server picks the counter, derives its key once, and gives the client the
// first half of that key as the prefix to find, with an HMAC of the whole key (`keySignature`). The
// client must try every counter from 0 up to the chosen one; the server checks an answer with two
// HMACs and no key derivation, so verifying costs it nothing.

export const powAlgorithm = 'PBKDF2/SHA-256';
/** PBKDF2 iterations per attempt: enough that native work, not JavaScript overhead, dominates an attempt. */
export const powCostPerAttempt = 1_000;
export const powChallengeTtlMs = 5 * 60 * 1000;
/**
 * The replay bucket outlives the challenge a little: altcha-lib checks expiry with the system time
 * and the SQL limiter with the injected clock, so a small disagreement must not reopen a window.
 */
const replayMarginMs = 60 * 1000;
/** A widget payload is ~700 characters; anything much longer is not one. */
const maxSolutionLength = 8_192;

/**
 * `challengePowMaxNumber` is ALTCHA v1's `maxnumber`: the most hashes a solve can take. In v2 it is
 * the most PBKDF2 iterations: the counter is drawn from [N/2, N] with N = maxNumber / 1000 (one
 * attempt is 1000 iterations), so every solve costs between half and all of maxNumber iterations
 * and a client cannot get lucky with a small number. An iteration is one HMAC-SHA-256, about the
 * work of one v1 hash. The default 100 000 is 50 to 100 attempts (~0.1 s in a browser); the most,
 * 10 000 000, is up to 10 000 attempts (several seconds).
 */
export function powCounterRange(maxNumber: number): { min: number; max: number } {
  const max = Math.max(1, Math.floor(maxNumber / powCostPerAttempt));
  return { min: Math.ceil(max / 2), max };
}

/** The payload the widget (and the hosted pages) send: base64 of this JSON. */
const payloadSchema = z.object({
  challenge: z.object({ parameters: powChallengeParametersSchema, signature: z.string() }),
  solution: z.object({ counter: z.number(), derivedKey: z.string() }),
});

export interface PowSecrets {
  /** Signs a challenge's parameters. */
  signature: string;
  /** Signs the expected derived key (deterministic mode's fast verification). */
  keySignature: string;
}

/** Challenge secrets derived from a key's code key, so one master key protects codes and challenges. */
export function powSecrets(key: Pick<DerivedKeys, 'codeKey'>): PowSecrets {
  const derive = (label: string) =>
    Buffer.from(hkdfSync('sha256', key.codeKey, Buffer.alloc(0), label, 32)).toString('hex');
  return {
    signature: derive('passline/challenge/v1/signature'),
    keySignature: derive('passline/challenge/v1/key-signature'),
  };
}

export interface PowChallenges {
  create(maxNumber: number): Promise<{ parameters: PowChallengeParameters; signature: string }>;
  /** Throws AppError('fraud.challenge_failed') unless `solution` is a fresh, correct, unused payload. */
  verify(solution: string): Promise<void>;
}

export function createPowChallenges(deps: { keys: KeyRing; limiter: RateLimiter; clock: Clock }): PowChallenges {
  const current = powSecrets(deps.keys);
  // Challenges signed with a key that was current until a rotation stay solvable for their 5 minutes.
  const previous = deps.keys.previous.map(powSecrets);
  const failed = (why: string) =>
    new AppError('fraud.challenge_failed', undefined, undefined, undefined, { cause: why });

  return {
    async create(maxNumber) {
      const range = powCounterRange(maxNumber);
      const challenge = await createChallenge({
        algorithm: powAlgorithm,
        cost: powCostPerAttempt,
        counter: randomInt(range.max, range.min),
        deriveKey,
        expiresAt: Math.ceil((deps.clock.now() + powChallengeTtlMs) / 1000),
        hmacSignatureSecret: current.signature,
        hmacKeySignatureSecret: current.keySignature,
      });
      const { parameters, signature } = challenge;
      if (!signature) throw new Error('altcha-lib returned an unsigned challenge');
      return { parameters: { ...parameters }, signature };
    },

    async verify(solution) {
      const payload = decodePayload(solution);
      if (!payload) throw failed('malformed payload');
      const { challenge } = payload;
      const expiresAtMs = (challenge.parameters.expiresAt ?? 0) * 1000;
      // Only challenges this server issued: its algorithm, its cost, always with an expiry.
      if (challenge.parameters.algorithm !== powAlgorithm || challenge.parameters.cost !== powCostPerAttempt) {
        throw failed('not a challenge of this server');
      }
      const now = deps.clock.now();
      if (expiresAtMs <= now) throw failed('expired');

      // The key signature proves the work without a key derivation: nobody has the derived key
      // without trying every counter up to the chosen one. Forgeries are refused here, cheaply.
      let secrets: PowSecrets | undefined;
      for (const candidate of [current, ...previous]) {
        const result = await check(challenge, payload.solution, candidate, true);
        if (result === 'bad signature') continue;
        if (result !== 'verified') throw failed(result);
        secrets = candidate;
        break;
      }
      if (!secrets) throw failed('bad signature');

      // Accepted once, across instances: the limiter is shared (database or Redis). Counted only
      // after the work is proven, so forged payloads cannot fill the store, and before the
      // derivation below, so a replay costs no derivation.
      const decision = await deps.limiter.consume([
        {
          key: `challenge:${challenge.signature}`,
          limit: 1,
          windowMs: expiresAtMs - now + replayMarginMs,
          code: 'fraud.challenge_failed',
        },
      ]);
      if (!decision.allowed) throw failed('already used');

      // The key signature does not cover the counter the payload claims. One derivation (1000
      // iterations, on the thread pool) checks it too, so a payload is either exactly right or refused.
      const exact = await check(challenge, payload.solution, secrets, false);
      if (exact !== 'verified') throw failed(`counter: ${exact}`);
    },
  };
}

type Check = 'verified' | 'bad signature' | 'expired' | 'wrong solution' | 'unverifiable';

/** altcha-lib's verification; `fast` checks the derived key by its signature, otherwise by deriving it from the counter. */
async function check(challenge: Challenge, solution: Solution, secrets: PowSecrets, fast: boolean): Promise<Check> {
  try {
    const result = await verifySolution({
      challenge,
      solution,
      deriveKey,
      hmacSignatureSecret: secrets.signature,
      hmacKeySignatureSecret: fast ? secrets.keySignature : undefined,
    });
    if (result.verified) return 'verified';
    if (result.expired) return 'expired';
    return result.invalidSignature ? 'bad signature' : 'wrong solution';
  } catch {
    return 'unverifiable';
  }
}

function decodePayload(solution: string): z.infer<typeof payloadSchema> | undefined {
  if (solution.length > maxSolutionLength || !/^[A-Za-z0-9+/]+={0,2}$/.test(solution)) return undefined;
  try {
    const parsed = z.safeParse(payloadSchema, JSON.parse(Buffer.from(solution, 'base64').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
