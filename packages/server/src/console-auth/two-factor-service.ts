import {
  type AdminSecuritySettings,
  adminSecuritySettingsSchema,
  type TwoFactorEnrolment,
  type TwoFactorStatus,
} from '@passline/contracts';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import type { KeyRing } from '../crypto/keys.ts';
import { open, seal, sealContext, UnreadableSecretError } from '../crypto/secret-box.ts';
import { AppError } from '../errors.ts';
import type { AuditActor, AuditService } from '../services/audit-service.ts';
import { cachedSetting } from '../services/cached-setting.ts';
import type { Database } from '../storage/schema.ts';
import { deleteAdminSessionsExcept, deleteAdminSessionsOf } from './queries/admin-sessions.ts';
import * as queries from './queries/admin-two-factor.ts';
import { hashRecoveryCode, newRecoveryCode, normalizeRecoveryCode, recoveryCodeCount } from './recovery-codes.ts';
import { matchingTotpStep, newTotpSecret, totpQrDataUrl, totpUri } from './totp.ts';

export interface AdminRef {
  id: string;
  username: string;
}

/** How a second factor was proven, for the audit log. */
export type SecondFactorKind = 'totp' | 'recovery_code';

export type AdminTwoFactor = ReturnType<typeof createAdminTwoFactor>;

/**
 * TOTP secrets (sealed with the encryption key), recovery codes (hashed, one-time) and the
 * "required for every admin" setting. Attempt limits and sessions stay with the sign-in service,
 * which calls this once it has counted an attempt.
 */
export function createAdminTwoFactor(deps: {
  db: Kysely<Database>;
  keys: KeyRing;
  clock: Clock;
  auditLog: AuditService;
  cacheMs?: number;
}) {
  const { db, keys, clock, auditLog } = deps;
  const settings = cachedSetting({
    db,
    clock,
    key: 'admin-security',
    schema: adminSecuritySettingsSchema,
    ...(deps.cacheMs === undefined ? {} : { cacheMs: deps.cacheMs }),
  });
  const actorOf = (admin: AdminRef): AuditActor => ({ type: 'admin', id: admin.id, name: admin.username });
  const targetOf = (admin: AdminRef) => ({ type: 'admin', id: admin.username });

  function secretOf(row: queries.AdminTwoFactorRow): string {
    try {
      return open(keys, row.secret, sealContext.adminTotp(row.admin_id));
    } catch (error) {
      if (!(error instanceof UnreadableSecretError)) throw error;
      // Names the key to configure, never the secret; the CLI reset is the way out without that key.
      throw new AppError(
        'admin.two_factor_unreadable',
        `This admin's two-factor secret cannot be decrypted: ${error.message}. Or turn it off with: passline admins reset-two-factor`,
        error.keyId ? { keyId: error.keyId } : undefined,
        undefined,
        { cause: error },
      );
    }
  }

  async function newRecoveryCodes(adminId: string, executor: Kysely<Database>): Promise<string[]> {
    const codes = Array.from({ length: recoveryCodeCount }, newRecoveryCode);
    const hashes = codes.map((code) => hashRecoveryCode(adminId, normalizeRecoveryCode(code) as string));
    await queries.replaceRecoveryCodes(executor, adminId, hashes, clock.now());
    return codes;
  }

  async function isEnabled(adminId: string): Promise<boolean> {
    return (await queries.findTwoFactor(db, adminId))?.enabled_at != null;
  }

  /** Turns it off whatever the setting (the CLI's reset for a lost device); false when it was not on. */
  async function remove(admin: AdminRef, actor: AuditActor, ip: string | null): Promise<boolean> {
    const row = await queries.findTwoFactor(db, admin.id);
    if (row?.enabled_at == null) {
      if (row) await queries.deleteTwoFactor(db, admin.id);
      if (actor.type === 'admin') throw new AppError('admin.two_factor_not_enabled');
      return false;
    }
    await db.transaction().execute(async (trx) => {
      await queries.deleteTwoFactor(trx, admin.id);
      await auditLog.record(
        { actor, ip, action: 'admin.two_factor_disable', target: targetOf(admin), before: { enabled: true } },
        trx,
      );
    });
    return true;
  }

  return {
    settings: settings.get,

    isEnabled,

    async status(adminId: string): Promise<TwoFactorStatus> {
      const row = await queries.findTwoFactor(db, adminId);
      const enabled = row?.enabled_at != null;
      return {
        enabled,
        enabledAt: enabled ? new Date(row?.enabled_at as number).toISOString() : null,
        recoveryCodesLeft: enabled ? await queries.countUnusedRecoveryCodes(db, adminId) : 0,
        required: (await settings.get()).requireTwoFactor,
      };
    },

    /** A new secret awaiting its first code; nothing changes for sign-in until it is confirmed. */
    async startEnrolment(admin: AdminRef): Promise<TwoFactorEnrolment> {
      if ((await queries.findTwoFactor(db, admin.id))?.enabled_at != null) {
        throw new AppError('admin.two_factor_already_enabled');
      }
      const secret = newTotpSecret();
      await queries.upsertPendingTwoFactor(
        db,
        admin.id,
        seal(keys, secret, sealContext.adminTotp(admin.id)),
        clock.now(),
      );
      const otpauthUri = totpUri(secret, admin.username);
      return { secret, otpauthUri, qrCodeDataUrl: await totpQrDataUrl(otpauthUri) };
    },

    /** The first valid code turns it on; the recovery codes are returned this once. */
    async confirmEnrolment(admin: AdminRef, code: string, ip: string | null): Promise<string[]> {
      const row = await queries.findTwoFactor(db, admin.id);
      if (!row)
        throw new AppError(
          'admin.two_factor_not_enabled',
          'Start the set-up first: no enrolment is waiting for a code.',
        );
      if (row.enabled_at != null) throw new AppError('admin.two_factor_already_enabled');
      const step = matchingTotpStep(secretOf(row), code.trim(), clock.now());
      if (step === undefined) throw new AppError('admin.two_factor_invalid');
      return db.transaction().execute(async (trx) => {
        if (!(await queries.enableTwoFactor(trx, admin.id, step, clock.now()))) {
          throw new AppError('admin.two_factor_already_enabled');
        }
        const codes = await newRecoveryCodes(admin.id, trx);
        await auditLog.record(
          {
            actor: actorOf(admin),
            ip,
            action: 'admin.two_factor_enable',
            target: targetOf(admin),
            after: { enabled: true },
          },
          trx,
        );
        return codes;
      });
    },

    /**
     * Checks a second factor: a TOTP code for the current step or one either side, never a step
     * already accepted, or an unused recovery code (used up by this call). Undefined when neither.
     */
    async verify(admin: AdminRef, input: string, ip: string | null): Promise<SecondFactorKind | undefined> {
      const row = await queries.findTwoFactor(db, admin.id);
      if (row?.enabled_at == null) return undefined;
      const code = input.trim().replace(/\s/g, '');
      if (/^\d{6}$/.test(code)) {
        const step = matchingTotpStep(secretOf(row), code, clock.now());
        return step !== undefined && (await queries.acceptStep(db, admin.id, step)) ? 'totp' : undefined;
      }
      const normalized = normalizeRecoveryCode(code);
      if (!normalized) return undefined;
      if (!(await queries.useRecoveryCode(db, admin.id, hashRecoveryCode(admin.id, normalized), clock.now()))) {
        return undefined;
      }
      await auditLog.record({
        actor: actorOf(admin),
        ip,
        action: 'admin.recovery_code_used',
        target: targetOf(admin),
        after: { recoveryCodesLeft: await queries.countUnusedRecoveryCodes(db, admin.id) },
      });
      return 'recovery_code';
    },

    /** The caller has checked a code or the password. Refused while every admin must have it. */
    async disable(admin: AdminRef, ip: string | null): Promise<void> {
      if ((await settings.get()).requireTwoFactor) throw new AppError('admin.two_factor_required');
      await remove(admin, actorOf(admin), ip);
    },

    /** Turns it off whatever the setting (the CLI's reset for a lost device). */
    remove,

    async regenerateRecoveryCodes(admin: AdminRef, ip: string | null): Promise<string[]> {
      if ((await queries.findTwoFactor(db, admin.id))?.enabled_at == null) {
        throw new AppError('admin.two_factor_not_enabled');
      }
      return db.transaction().execute(async (trx) => {
        const codes = await newRecoveryCodes(admin.id, trx);
        await auditLog.record(
          { actor: actorOf(admin), ip, action: 'admin.recovery_codes_regenerate', target: targetOf(admin) },
          trx,
        );
        return codes;
      });
    },

    /**
     * Requiring it for everyone: an admin doing it from the console must have it on already (or
     * they would be sent to enrol on their next sign-in). Turning it on ends the sessions of admins
     * without it, so nobody keeps using the console without a second factor.
     */
    async updateSettings(
      patch: { requireTwoFactor?: boolean | undefined },
      by: { actor: AuditActor; adminId: string | undefined; ip: string | null },
    ): Promise<AdminSecuritySettings> {
      const before = await settings.get();
      if (patch.requireTwoFactor && by.adminId && !(await isEnabled(by.adminId))) {
        throw new AppError(
          'admin.two_factor_required',
          'Set up two-factor sign-in for your own account before requiring it for every admin.',
        );
      }
      const after = await settings.update(
        patch.requireTwoFactor === undefined ? {} : { requireTwoFactor: patch.requireTwoFactor },
      );
      if (after.requireTwoFactor && !before.requireTwoFactor) {
        await deleteAdminSessionsExcept(db, await queries.listEnabledAdminIds(db));
      }
      if (before.requireTwoFactor !== after.requireTwoFactor) {
        await auditLog.record({
          actor: by.actor,
          ip: by.ip,
          action: 'admin.security_update',
          target: { type: 'settings', id: 'admin-security' },
          before,
          after,
        });
      }
      return after;
    },

    /** The CLI's reset for a lost device: off whatever the setting, and the admin's sessions end. */
    async reset(admin: AdminRef): Promise<boolean> {
      const removed = await remove(admin, { type: 'cli', id: null, name: null }, null);
      await deleteAdminSessionsOf(db, admin.id);
      return removed;
    },
  };
}
