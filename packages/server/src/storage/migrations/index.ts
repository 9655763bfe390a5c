import type { Migration } from 'kysely';
import * as initial from './0001-initial.ts';
import * as adminAuth from './0002-admin-auth.ts';
import * as accounts from './0003-accounts.ts';
import * as refreshTokenAuthTime from './0004-refresh-token-auth-time.ts';
import * as protection from './0005-protection.ts';
import * as oidc from './0006-oidc.ts';
import * as routingReceipts from './0007-routing-receipts.ts';
import * as twilioVerify from './0008-twilio-verify.ts';
import * as auditLog from './0009-audit-log.ts';
import * as dashboardRollups from './0010-dashboard-rollups.ts';
import * as adminTwoFactor from './0011-admin-two-factor.ts';

/** Every migration, in order. A static list: no file-system scanning at boot. */
export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-admin-auth': adminAuth,
  '0003-accounts': accounts,
  '0004-refresh-token-auth-time': refreshTokenAuthTime,
  '0005-protection': protection,
  '0006-oidc': oidc,
  '0007-routing-receipts': routingReceipts,
  '0008-twilio-verify': twilioVerify,
  '0009-audit-log': auditLog,
  '0010-dashboard-rollups': dashboardRollups,
  '0011-admin-two-factor': adminTwoFactor,
};
