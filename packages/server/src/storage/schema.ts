import type { Generated } from 'kysely';

// Times are epoch milliseconds everywhere: one representation for SQLite and PostgreSQL, and
// comparisons stay plain integer comparisons. Booleans are 0/1 integers for the same reason.

export interface ApiKeysTable {
  id: string;
  name: string;
  scope: 'admin' | 'verify' | 'relay';
  key_hash: string;
  key_prefix: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface ConnectorsTable {
  id: string;
  factory_id: string;
  type: 'sms' | 'email';
  /** JSON of the non-secret fields. */
  config: string;
  /** Sealed JSON of the secret fields (see crypto/secret-box.ts). */
  secrets: string | null;
  active: number;
  created_at: number;
  updated_at: number;
}

export type VerificationStatus = 'pending' | 'approved' | 'expired' | 'exhausted' | 'cancelled';

export interface VerificationsTable {
  id: string;
  phone: string;
  usage: string;
  code_hash: string;
  status: VerificationStatus;
  attempts: number;
  max_attempts: number;
  expires_at: number;
  created_at: number;
  updated_at: number;
  connector_id: string | null;
  ip: string | null;
  /** ISO 3166-1 alpha-2 of the number; null for non-geographic numbers and rows from before 0005. */
  country: string | null;
}

export interface MessagesTable {
  id: string;
  verification_id: string | null;
  connector_id: string | null;
  factory_id: string;
  to_masked: string;
  usage: string;
  status: 'sent' | 'failed';
  provider_message_id: string | null;
  error_kind: string | null;
  error_code: string | null;
  error_message: string | null;
  provider_request_id: string | null;
  latency_ms: number;
  is_test: number;
  created_at: number;
  /** ISO 3166-1 alpha-2 code of the destination; null for non-geographic numbers and older rows. */
  country: string | null;
  /** 1 for the first connector a send tried, 2 after one failover, ... */
  attempt: number;
  /** 1 when the connector asked its provider for a delivery receipt. */
  receipts: number;
  /** What the provider's receipt said (`delivered` or `undelivered`); null until one arrives. */
  delivery_status: 'delivered' | 'undelivered' | null;
  delivery_error_code: string | null;
  /** The receipt's time (the provider's, else when it arrived). */
  delivered_at: number | null;
}

/** A connector's circuit breaker, shared by every instance. */
export interface ConnectorHealthTable {
  connector_id: string;
  consecutive_failures: number;
  /** While in the future the connector is skipped; once past, the next send probes it. */
  open_until: number | null;
  last_failure_at: number | null;
  last_error: string | null;
  last_success_at: number | null;
  updated_at: number;
}

export interface DevOutboxTable {
  id: Generated<number>;
  phone: string;
  to_masked: string;
  usage: string;
  text: string;
  created_at: number;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface RateLimitBucketsTable {
  key: string;
  hits: number;
  reset_at: number;
}

export interface AdminsTable {
  id: string;
  username: string;
  /** `scrypt$N$r$p$salt$hash` (see crypto/passwords.ts). */
  password_hash: string;
  created_at: number;
  updated_at: number;
}

export interface AdminSessionsTable {
  id: string;
  admin_id: string;
  token_hash: string;
  created_at: number;
  last_seen_at: number;
  /** Absolute end of the session, however active it is. */
  expires_at: number;
}

export interface AdminSetupTokensTable {
  token_hash: string;
  created_at: number;
  expires_at: number;
}

/** An admin's TOTP secret (console-auth/two-factor-service.ts). */
export interface AdminTwoFactorTable {
  admin_id: string;
  /** The base32 secret, sealed with the encryption key (context `admin-totp:<admin id>`). */
  secret: string;
  /** Null while enrolment awaits its first code. */
  enabled_at: number | null;
  /** The last accepted TOTP time step: never accepted twice. */
  last_step: number | null;
  created_at: number;
}

/** One-time recovery codes, stored as hashes only. */
export interface AdminRecoveryCodesTable {
  code_hash: string;
  admin_id: string;
  created_at: number;
  used_at: number | null;
}

/** The step between a correct password and the second factor (or the enrolment it requires). */
export interface AdminSignInChallengesTable {
  token_hash: string;
  admin_id: string;
  purpose: 'verify' | 'enrol';
  failures: number;
  created_at: number;
  expires_at: number;
}

// End-user accounts (issue 5): see accounts/ for the services that own these tables.

export interface UsersTable {
  id: string;
  /** E.164; unique. */
  phone: string;
  /** scrypt, see crypto/passwords.ts; null for accounts that only sign in by code. */
  password_hash: string | null;
  created_at: number;
  updated_at: number;
  /** Set while an admin has suspended the account: no sign-in, no refresh, by any route. */
  suspended_at: number | null;
  /** The last sign-in by any route (code, password, registration, OpenID Connect). */
  last_sign_in_at: number | null;
}

export interface RefreshTokensTable {
  id: string;
  user_id: string;
  /** Every token rotated from one sign-in shares a family; reuse of a rotated token revokes it. */
  family_id: string;
  token_hash: string;
  expires_at: number;
  created_at: number;
  rotated_at: number | null;
  revoked_at: number | null;
  /** Last real authentication (code or password) of the session, copied on rotation; null: unknown. */
  auth_time: number | null;
}

export interface SigningKeysTable {
  /** The JWT `kid`. */
  id: string;
  algorithm: string;
  public_jwk: string;
  /** Sealed private JWK (crypto/secret-box.ts). */
  private_jwk: string;
  created_at: number;
  /** Set when a newer key took over signing; published until the tokens it signed have expired. */
  retired_at: number | null;
}

/** An OpenID Connect client (an application); its id is the `client_id`. */
export interface ApplicationsTable {
  id: string;
  name: string;
  /** `web` (confidential, client secret), `spa` or `native` (public, PKCE). */
  type: 'web' | 'spa' | 'native';
  /** JSON arrays of absolute URLs. */
  redirect_uris: string;
  post_logout_redirect_uris: string;
  /** 1: the deployment's own app, which skips the consent screen. */
  first_party: number;
  /** Sealed (crypto/secret-box.ts) client secret of a `web` application; null for public clients. */
  client_secret: string | null;
  created_at: number;
  updated_at: number;
}

/** A record of oidc-provider (a session, grant, code, token, interaction, ...), see oidc/oidc-adapter.ts. */
export interface OidcPayloadsTable {
  model: string;
  /** SHA-256 (base64url) of the record's id: for codes and tokens the id is the secret. */
  id: string;
  /** JSON; a token's own id is not in it. */
  payload: string;
  grant_id: string | null;
  uid: string | null;
  user_code: string | null;
  account_id: string | null;
  client_id: string | null;
  created_at: number;
  expires_at: number | null;
  consumed_at: number | null;
}

export interface ExperienceVerificationsTable {
  /** One verification issued through the Experience API (or account phone linking). */
  verification_id: string;
  event: string;
  /** For phone linking: the account that asked; the code then only serves that account. */
  user_id: string | null;
  created_at: number;
  consumed_at: number | null;
}

/** A send that protection refused (or, in record-only mode, would have refused). */
export interface ProtectionEventsTable {
  id: string;
  created_at: number;
  reason: string;
  /** 0 in record-only mode: the send went ahead. */
  enforced: number;
  country: string | null;
  /** The number range with its wildcard digits masked: never a full number. */
  range_masked: string;
  client_ip: string | null;
  /** The API key id, or the end-user route. */
  source: string;
}

/** A range, client IP or country the conversion guard refuses until `until`. */
export interface ProtectionBlocksTable {
  /** `range:+447012345`, `ip:203.0.113.7`, `country:GB`. */
  key: string;
  dimension: 'range' | 'ip' | 'country';
  /** What the console shows: the masked range, the IP, the country. */
  value: string;
  sent: number;
  approved: number;
  created_at: number;
  until: number;
}

export interface ProtectionAlertsTable {
  id: string;
  created_at: number;
  kind: string;
  subject: string;
  delivered: number;
  error: string | null;
}

/** A Twilio Verify-compatible service (`VA…`), owned by the Account SID of the key that made it. */
export interface TwilioVerifyServicesTable {
  sid: string;
  account_sid: string;
  friendly_name: string;
  code_length: number;
  created_at: number;
  updated_at: number;
}

/** A Twilio Verify-compatible verification (`VE…`) and the Passline verification behind it now. */
export interface TwilioVerifyVerificationsTable {
  sid: string;
  service_sid: string;
  /** E.164. */
  phone: string;
  channel: string;
  /** The Passline verification holding the current code; a resend points it at the new one. */
  verification_id: string;
  /** JSON: `[{ attempt_sid, channel, time }]`, one per send, as Twilio lists them. */
  send_code_attempts: string;
  created_at: number;
  updated_at: number;
}

/** One administrative change (audit/). Never updated; deleted only past the retention. */
export interface AuditLogTable {
  id: string;
  created_at: number;
  /** admin (console session), api_key, cli, setup (the first-run setup token), anonymous (failed sign-ins). */
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  ip: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  /** JSON snapshots with secrets already redacted; null when there is nothing to show. */
  before_json: string | null;
  after_json: string | null;
}

/** Dashboard counters of one minute, hour or day (dashboard/); '' is "none" in the key columns. */
export interface DashboardRollupsTable {
  /** Start of the minute, hour or day (UTC), epoch ms. */
  bucket: number;
  /** sent, failed, approved, check_failed, delivered, undelivered, refusal, provider, latency. */
  metric: string;
  country: string;
  connector: string;
  /** The refusal reason, check outcome, provider outcome (ok/error) or latency bucket (ms). */
  detail: string;
  count: number;
  /** Provider latency summed over `count` calls (metric provider only). */
  sum_ms: number;
}

export interface Database {
  protection_events: ProtectionEventsTable;
  protection_blocks: ProtectionBlocksTable;
  protection_alerts: ProtectionAlertsTable;
  api_keys: ApiKeysTable;
  connectors: ConnectorsTable;
  verifications: VerificationsTable;
  messages: MessagesTable;
  connector_health: ConnectorHealthTable;
  dev_outbox: DevOutboxTable;
  settings: SettingsTable;
  rate_limit_buckets: RateLimitBucketsTable;
  users: UsersTable;
  applications: ApplicationsTable;
  oidc_payloads: OidcPayloadsTable;
  refresh_tokens: RefreshTokensTable;
  signing_keys: SigningKeysTable;
  experience_verifications: ExperienceVerificationsTable;
  admins: AdminsTable;
  admin_sessions: AdminSessionsTable;
  admin_setup_tokens: AdminSetupTokensTable;
  admin_two_factor: AdminTwoFactorTable;
  admin_recovery_codes: AdminRecoveryCodesTable;
  admin_sign_in_challenges: AdminSignInChallengesTable;
  twilio_verify_services: TwilioVerifyServicesTable;
  twilio_verify_verifications: TwilioVerifyVerificationsTable;
  audit_log: AuditLogTable;
  dashboard_rollup_minutes: DashboardRollupsTable;
  dashboard_rollup_hours: DashboardRollupsTable;
  dashboard_rollup_days: DashboardRollupsTable;
}
