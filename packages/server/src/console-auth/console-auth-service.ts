import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SignInPending } from '@passline/contracts';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { ipLimitKey } from '../client-ip.ts';
import type { Clock } from '../clock.ts';
import { newId } from '../crypto/codes.ts';
import type { KeyRing } from '../crypto/keys.ts';
import { decoyPasswordHash, hashPassword, verifyPassword } from '../crypto/passwords.ts';
import { AppError, isAppError } from '../errors.ts';
import type { AuthenticatedAdmin } from '../http/auth.ts';
import { type EventLogger, logEvent } from '../metrics/security-events.ts';
import type { AuditActor, AuditService } from '../services/audit-service.ts';
import type { LimitRule, RateLimiter } from '../services/limits/rate-limiter.ts';
import type { Database } from '../storage/schema.ts';
import * as sessionQueries from './queries/admin-sessions.ts';
import { deleteAllAdminSetupTokens, insertAdminSetupToken } from './queries/admin-setup-tokens.ts';
import { anyAdminExists, findAdminByUsername, insertAdmin } from './queries/admins.ts';
import { type AdminRef, createAdminTwoFactor } from './two-factor-service.ts';
import { createTwoFactorSignIn } from './two-factor-sign-in.ts';

export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._@-]{2,63}$/, 'a username is 3 to 64 letters, digits, dots, dashes, underscores or @');
export const passwordSchema = z
  .string()
  .min(10, 'the password needs at least 10 characters')
  .max(200, 'the password can have at most 200 characters');

export interface AdminAuthOptions {
  /** A session ends after this long without a request. */
  idleMs: number;
  /** ...and after this long in any case. */
  absoluteMs: number;
  setupTokenMs: number;
  /**
   * Sign-in attempts per (username, IP) and per IP in `attemptWindowMs`: a guesser locks out their
   * own address, not the admin, who signs in from another one.
   */
  attemptsPerAccountAndIp: number;
  attemptsPerIp: number;
  attemptWindowMs: number;
  /**
   * Attempts per username from all addresses in `accountCeilingWindowMs`: the slow back-off
   * against guessing spread over many addresses. Reaching it locks the account for everyone
   * until the window ends, so it is set well above what one address may try.
   */
  attemptsPerAccount: number;
  accountCeilingWindowMs: number;
}

export const defaultAdminAuthOptions: AdminAuthOptions = {
  idleMs: 12 * 60 * 60 * 1000,
  absoluteMs: 7 * 24 * 60 * 60 * 1000,
  setupTokenMs: 24 * 60 * 60 * 1000,
  attemptsPerAccountAndIp: 10,
  attemptsPerIp: 50,
  attemptWindowMs: 15 * 60 * 1000,
  attemptsPerAccount: 100,
  accountCeilingWindowMs: 60 * 60 * 1000,
};

/** What the console learns about its own session. The token itself never leaves the cookie. */
export interface AdminSessionView {
  username: string;
  /** Sent back in `x-csrf-token` on every state-changing request. */
  csrfToken: string;
  expiresAt: string;
}

export interface NewSession {
  /** For the cookie only. */
  token: string;
  session: AdminSessionView;
}

/** A correct password: a session, or (two-factor sign-in) the step that still has to come. */
export type SignInOutcome = { kind: 'session'; created: NewSession } | { kind: 'pending'; pending: SignInPending };

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * The CSRF token is derived from the session token instead of stored: only a holder of the
 * httpOnly cookie's value can compute it, and it needs no extra column or read.
 */
const csrfTokenOf = (sessionToken: string) =>
  createHmac('sha256', sessionToken).update('passline-console-csrf').digest('base64url');

export type AdminAuthService = ReturnType<typeof createAdminAuthService>;

/**
 * Console admins: first-run setup with a one-time token, scrypt passwords, server-side sessions
 * stored as token hashes, and sign-in attempts counted per account and per IP in the shared
 * rate limiter.
 */
export function createAdminAuthService(deps: {
  db: Kysely<Database>;
  limiter: RateLimiter;
  clock: Clock;
  /** Admin creation and every sign-in outcome go to the audit log. */
  auditLog: AuditService;
  /** Sign-ins, refusals and lockouts are security events in the log too (metrics/security-events.ts). */
  logger: EventLogger;
  keys: KeyRing; // seals the admins' TOTP secrets
  options?: Partial<AdminAuthOptions>;
  cacheMs?: number; // how long an instance caches the "two-factor required" setting
}) {
  const { db, clock, auditLog } = deps;
  const options = { ...defaultAdminAuthOptions, ...deps.options };
  const nobody: AuditActor = { type: 'anonymous', id: null, name: null };

  async function limitAttempts(kind: 'sign-in' | 'setup', username: string | undefined, ip: string): Promise<void> {
    const client = ipLimitKey(ip);
    const rules: LimitRule[] = [
      {
        key: `admin-${kind}:ip:${client}`,
        limit: options.attemptsPerIp,
        windowMs: options.attemptWindowMs,
        code: 'admin.too_many_attempts',
      },
    ];
    if (username) {
      rules.push(
        {
          key: `admin-${kind}:account-ip:${username}:${client}`,
          limit: options.attemptsPerAccountAndIp,
          windowMs: options.attemptWindowMs,
          code: 'admin.too_many_attempts',
        },
        {
          key: `admin-${kind}:account:${username}`,
          limit: options.attemptsPerAccount,
          windowMs: options.accountCeilingWindowMs,
          code: 'admin.too_many_attempts',
        },
      );
    }
    const decision = await deps.limiter.consume(rules);
    if (!decision.allowed) {
      const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      throw new AppError(
        'admin.too_many_attempts',
        `Too many attempts. Try again in ${Math.ceil(seconds / 60)} minute(s).`,
        undefined,
        seconds,
      );
    }
  }

  function parseCredentials(input: { username: string; password: string }) {
    const username = usernameSchema.safeParse(input.username);
    const password = passwordSchema.safeParse(input.password);
    const issues = [
      ...(username.success ? [] : [{ path: 'username', message: username.error.issues[0]?.message ?? 'invalid' }]),
      ...(password.success ? [] : [{ path: 'password', message: password.error.issues[0]?.message ?? 'invalid' }]),
    ];
    if (!username.success || !password.success) {
      throw new AppError('request.invalid', issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '), {
        issues,
      });
    }
    return { username: username.data, password: password.data };
  }

  async function startSession(adminId: string, username: string): Promise<NewSession> {
    const token = randomBytes(32).toString('base64url');
    const now = clock.now();
    const expiresAt = now + options.absoluteMs;
    await sessionQueries.insertAdminSession(db, {
      id: newId('ses'),
      admin_id: adminId,
      token_hash: sha256(token),
      created_at: now,
      last_seen_at: now,
      expires_at: expiresAt,
    });
    // Sign-in is rare: a good moment to sweep sessions that ended, so the table stays small.
    await sessionQueries.deleteExpiredAdminSessions(db, now, options.idleMs);
    return {
      token,
      session: { username, csrfToken: csrfTokenOf(token), expiresAt: new Date(expiresAt).toISOString() },
    };
  }

  /**
   * A refused sign-in. The username is recorded only when it names an admin: a password typed into
   * the username field by mistake must not land in the audit log. A lockout is recorded once per
   * window and address, not once per refused attempt.
   */
  async function recordRefusal(action: 'admin.sign_in_failed' | 'admin.locked_out', username: string, ip: string) {
    const known = (await findAdminByUsername(db, username)) !== undefined;
    const target = { type: 'admin', id: known ? username : null };
    logEvent(deps.logger, action === 'admin.locked_out' ? 'admin.locked_out' : 'admin.sign_in_failed', {
      username: target.id,
      ip,
    });
    if (action === 'admin.locked_out') {
      const withinMs = options.attemptWindowMs;
      if (await auditLog.recordedRecently({ action, targetId: target.id, ip, withinMs })) return;
    }
    await auditLog.record({ actor: nobody, ip, action, target, after: known ? null : { knownAdmin: false } });
  }

  /** One sign-in attempt (password, code or recovery code) against the limits; a lockout is audited. */
  async function countAttempt(username: string, ip: string): Promise<void> {
    try {
      await limitAttempts('sign-in', username, ip);
    } catch (error) {
      if (isAppError(error) && error.code === 'admin.too_many_attempts') {
        await recordRefusal('admin.locked_out', username, ip);
      }
      throw error;
    }
  }

  async function finishSignIn(admin: AdminRef, ip: string, secondFactor: string | null): Promise<NewSession> {
    const created = await startSession(admin.id, admin.username);
    logEvent(deps.logger, 'admin.signed_in', {
      adminId: admin.id,
      username: admin.username,
      ip,
      ...(secondFactor ? { secondFactor } : {}),
    });
    await auditLog.record({
      actor: { type: 'admin', id: admin.id, name: admin.username },
      ip,
      action: 'admin.sign_in',
      target: { type: 'admin', id: admin.username },
      ...(secondFactor ? { after: { secondFactor } } : {}),
    });
    return created;
  }

  const twoFactor = createAdminTwoFactor({ db, keys: deps.keys, clock, auditLog, cacheMs: deps.cacheMs });
  const twoFactorSignIn = createTwoFactorSignIn({
    db,
    clock,
    twoFactor,
    countAttempt,
    recordFailure: (username, ip) => recordRefusal('admin.sign_in_failed', username, ip),
    finishSignIn: (admin, ip, secondFactor) => finishSignIn(admin, ip, secondFactor),
  });

  async function newAdminRow(username: string, password: string) {
    const now = clock.now();
    return {
      id: newId('adm'),
      username,
      password_hash: await hashPassword(password),
      created_at: now,
      updated_at: now,
    };
  }

  return {
    options,

    async setupRequired(): Promise<boolean> {
      return !(await anyAdminExists(db));
    },

    /**
     * While no admin exists, returns a fresh one-time setup token (stored hashed, so any instance
     * on the same database accepts it); undefined once an admin exists.
     */
    async issueSetupToken(): Promise<string | undefined> {
      if (await anyAdminExists(db)) return undefined;
      const token = randomBytes(24).toString('base64url');
      const now = clock.now();
      await insertAdminSetupToken(db, {
        token_hash: sha256(token),
        created_at: now,
        expires_at: now + options.setupTokenMs,
      });
      return token;
    },

    /** First-run setup from the console: the setup token buys exactly one admin, then a session. */
    async completeSetup(input: { setupToken: string; username: string; password: string; ip: string }) {
      await limitAttempts('setup', undefined, input.ip);
      const { username, password } = parseCredentials(input);
      const row = await newAdminRow(username, password);
      await db.transaction().execute(async (trx) => {
        if (await anyAdminExists(trx)) {
          throw new AppError('admin.already_set_up');
        }
        const valid = await deleteAllAdminSetupTokens(trx, clock.now());
        const wanted = sha256(input.setupToken.trim());
        // Thrown inside the transaction, so the tokens are not consumed by a wrong guess.
        if (!valid.some((hash) => timingSafeEqual(Buffer.from(hash), Buffer.from(wanted)))) {
          throw new AppError('admin.setup_token_invalid');
        }
        await insertAdmin(trx, row);
        await auditLog.record(
          {
            actor: { type: 'setup', id: null, name: null },
            ip: input.ip,
            action: 'admin.create',
            target: { type: 'admin', id: row.username },
            after: { id: row.id, username: row.username },
          },
          trx,
        );
      });
      return startSession(row.id, row.username);
    },

    /** `passline admins create`: whoever can run the CLI against the database is trusted. */
    async createAdmin(input: { username: string; password: string }): Promise<{ id: string; username: string }> {
      const { username, password } = parseCredentials(input);
      const row = await newAdminRow(username, password);
      await db.transaction().execute(async (trx) => {
        if (await findAdminByUsername(trx, username)) {
          throw new AppError('admin.username_taken', `An admin named "${username}" already exists.`);
        }
        await insertAdmin(trx, row);
        await deleteAllAdminSetupTokens(trx, clock.now());
        await auditLog.record(
          {
            actor: { type: 'cli', id: null, name: null },
            ip: null,
            action: 'admin.create',
            target: { type: 'admin', id: row.username },
            after: { id: row.id, username: row.username },
          },
          trx,
        );
      });
      return { id: row.id, username: row.username };
    },

    /**
     * The password step. With two-factor sign-in on (or required and not yet set up), the answer
     * is a pending step instead of a session: the code, or the enrolment, comes next.
     */
    async signIn(input: { username: string; password: string; ip: string }): Promise<SignInOutcome> {
      const username = input.username.trim().toLowerCase().slice(0, 64);
      await countAttempt(username, input.ip);
      const admin = await findAdminByUsername(db, username);
      const matches = await verifyPassword(input.password, admin?.password_hash ?? (await decoyPasswordHash()));
      if (!admin || !matches) {
        await recordRefusal('admin.sign_in_failed', username, input.ip);
        throw new AppError('admin.invalid_credentials');
      }
      if (await twoFactor.isEnabled(admin.id)) {
        return { kind: 'pending', pending: await twoFactorSignIn.pending(admin.id, 'verify') };
      }
      if ((await twoFactor.settings()).requireTwoFactor) {
        return { kind: 'pending', pending: await twoFactorSignIn.pending(admin.id, 'enrol') };
      }
      return { kind: 'session', created: await finishSignIn(admin, input.ip, null) };
    },

    twoFactor,
    ...twoFactorSignIn,
    /** Turns "required for every admin" on or off (two-factor-service.ts). */
    updateSecuritySettings: twoFactor.updateSettings,
    /** `passline admins reset-two-factor`: for an admin who lost their device. */
    async resetTwoFactor(username: string): Promise<boolean> {
      const admin = await findAdminByUsername(db, usernameSchema.parse(username));
      if (!admin) throw new AppError('request.invalid', `No admin is named "${username}".`);
      return twoFactor.reset(admin);
    },

    /** The admin behind a session cookie, or undefined when the session is unknown or over. */
    async authenticate(token: string): Promise<AuthenticatedAdmin | undefined> {
      const row = await sessionQueries.findAdminSessionByTokenHash(db, sha256(token));
      if (!row) return undefined;
      const now = clock.now();
      if (row.expires_at <= now || row.last_seen_at <= now - options.idleMs) {
        await sessionQueries.deleteAdminSessionById(db, row.id);
        return undefined;
      }
      // Idle expiry needs "last seen" only to the minute; writing it on every request would not pay.
      if (now - row.last_seen_at >= 60_000) await sessionQueries.updateAdminSessionLastSeen(db, row.id, now);
      return {
        sessionId: row.id,
        adminId: row.admin_id,
        username: row.username,
        csrfToken: csrfTokenOf(token),
        expiresAt: row.expires_at,
      };
    },

    csrfMatches(admin: AuthenticatedAdmin, header: string | undefined): boolean {
      if (!header) return false;
      const expected = Buffer.from(admin.csrfToken);
      const actual = Buffer.from(header);
      return expected.length === actual.length && timingSafeEqual(expected, actual);
    },

    view(admin: AuthenticatedAdmin): AdminSessionView {
      return {
        username: admin.username,
        csrfToken: admin.csrfToken,
        expiresAt: new Date(admin.expiresAt).toISOString(),
      };
    },

    async signOut(admin: AuthenticatedAdmin, ip: string): Promise<void> {
      await sessionQueries.deleteAdminSessionById(db, admin.sessionId);
      await auditLog.record({
        actor: { type: 'admin', id: admin.adminId, name: admin.username },
        ip,
        action: 'admin.sign_out',
        target: { type: 'admin', id: admin.username },
      });
    },
  };
}
