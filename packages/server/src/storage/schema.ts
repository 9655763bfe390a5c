import type { Generated } from 'kysely';

// Times are epoch milliseconds everywhere: one representation for SQLite and PostgreSQL, and
// comparisons stay plain integer comparisons. Booleans are 0/1 integers for the same reason.

export interface ApiKeysTable {
  id: string;
  name: string;
  scope: 'admin' | 'verify';
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

export interface Database {
  api_keys: ApiKeysTable;
  connectors: ConnectorsTable;
  verifications: VerificationsTable;
  messages: MessagesTable;
  dev_outbox: DevOutboxTable;
  settings: SettingsTable;
  rate_limit_buckets: RateLimitBucketsTable;
}
