import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const optionalUrl = (protocols: RegExp, example: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? value : undefined))
    .refine((value) => value === undefined || protocols.test(value), `must look like ${example}`);

/** Every environment variable Passline reads. The README documents each one. */
const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('localhost'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PASSLINE_DATA_DIR: z.string().min(1).default('./data'),
  PASSLINE_DATABASE_URL: optionalUrl(/^postgres(ql)?:\/\//, 'postgres://user:password@host:5432/database'),
  PASSLINE_REDIS_URL: optionalUrl(/^rediss?:\/\//, 'redis://host:6379'),
  PASSLINE_REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[\w:.-]{1,64}$/, 'letters, digits and : . - _ only, at most 64')
    .default('passline:rl:'),
  PASSLINE_ENCRYPTION_KEY: z
    .string()
    .optional()
    .refine(
      (value) => value === undefined || decodeKey(value) !== undefined,
      'must be 32 random bytes, base64 or hex encoded (generate one with: openssl rand -base64 32)',
    ),
  PASSLINE_ENCRYPTION_KEYS_PREVIOUS: z
    .string()
    .optional()
    .transform((value, context) => {
      const parsed = parsePreviousKeys(value);
      if (typeof parsed === 'string') {
        context.addIssue({ code: 'custom', message: parsed });
        return z.NEVER;
      }
      return parsed;
    }),
  PASSLINE_CONNECTORS: z.string().optional(),
  PASSLINE_TRUST_PROXY: z
    .string()
    .optional()
    .transform((value, context) => {
      const parsed = parseTrustProxy(value);
      if (typeof parsed === 'string') {
        context.addIssue({ code: 'custom', message: parsed });
        return z.NEVER;
      }
      return parsed;
    }),
  PASSLINE_CHALLENGE_SECRET: z.string().min(1).optional(),
  PASSLINE_ALERT_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must be a Standard Webhooks secret: whsec_ followed by base64')
    .optional(),
  PASSLINE_PUBLIC_URL: z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined) return undefined;
      const origin = publicOrigin(value);
      if (origin) return origin;
      context.addIssue({
        code: 'custom',
        message:
          'must be the http(s) origin users reach Passline at, without a path, query or fragment (for example https://id.example.com)',
      });
      return z.NEVER;
    }),
  PASSLINE_DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
  PASSLINE_DATABASE_PREPARED_STATEMENTS: booleanFromEnv.default(true),
  PASSLINE_METRICS_TOKEN: z
    .string()
    .trim()
    .min(16, 'must be at least 16 characters (generate one with: openssl rand -hex 32)')
    .optional(),
  PASSLINE_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  PASSLINE_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  // How long the audit log keeps an entry; 0 keeps every entry.
  PASSLINE_AUDIT_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(365),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  logLevel: z.infer<typeof environmentSchema>['LOG_LEVEL'];
  dataDir: string;
  database:
    | { engine: 'sqlite'; file: string }
    | { engine: 'postgres'; url: string; poolSize: number; preparedStatements?: boolean };
  redisUrl: string | undefined;
  /** Prefix of every key Passline writes to Redis, so that deployments can share one Redis. */
  redisKeyPrefix?: string;
  /** Raw 32-byte key from the environment; undefined means "use or create the key file in dataDir". */
  encryptionKey: Buffer | undefined;
  /** Earlier keys, for reading what they encrypted until `passline keys rotate` re-encrypts it; unset means none. */
  previousEncryptionKeys?: Buffer[];
  /** Module specifiers or paths of custom connectors. */
  connectorModules: string[];
  /**
   * Which peers may say who the client is in X-Forwarded-For: `false` (none: the socket's address
   * is the client), a number of proxy hops in front of Passline, or the proxies' addresses and CIDRs.
   */
  trustProxy: TrustProxy;
  /**
   * The origin users reach Passline at: the OpenID Connect issuer, the `iss` of access tokens and
   * the base of every URL Passline prints. Unset: `http://localhost:<port>` (development only).
   */
  publicUrl?: string;
  /** Secrets that protection settings refer to: a CAPTCHA's secret key, the alert webhook's signing secret. */
  protectionSecrets?: { challengeSecret: string | undefined; alertWebhookSecret: string | undefined };
  /** Days the audit log keeps an entry (PASSLINE_AUDIT_RETENTION_DAYS); 0 keeps them forever; unset: 365. */
  auditRetentionDays?: number;
  /**
   * Prometheus metrics (docs/operations.md): `token` serves GET /metrics on the main port behind
   * that bearer token; `port` serves it on a port of its own (bound to `host`) without auth.
   * Neither: /metrics answers 404.
   */
  metrics?: { token?: string; port?: number; host: string };
}

export type TrustProxy = false | number | string[];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** Parses the environment once at boot; lists every problem at once; returns a frozen config. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  // An empty variable (`FOO=`) means "not set", as in most deployment tools.
  const present = Object.fromEntries(
    Object.entries(environment).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const env = parsed.data;
  const problems: string[] = [];
  if (env.PASSLINE_DATABASE_URL && !env.PASSLINE_ENCRYPTION_KEY) {
    problems.push(
      'PASSLINE_ENCRYPTION_KEY: required with PASSLINE_DATABASE_URL, so that every instance sharing the database uses the same key (generate one with: openssl rand -base64 32)',
    );
  }
  if (env.PASSLINE_METRICS_TOKEN && env.PASSLINE_METRICS_PORT !== undefined) {
    problems.push(
      'PASSLINE_METRICS_TOKEN and PASSLINE_METRICS_PORT: set one, not both (the token protects /metrics on the main port; the metrics port has no authentication and serves it alone)',
    );
  }
  if (problems.length) throw new ConfigError(problems);
  const dataDir = resolve(env.PASSLINE_DATA_DIR);
  return Object.freeze({
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    dataDir,
    database: env.PASSLINE_DATABASE_URL
      ? {
          engine: 'postgres' as const,
          url: env.PASSLINE_DATABASE_URL,
          poolSize: env.PASSLINE_DATABASE_POOL_SIZE,
          preparedStatements: env.PASSLINE_DATABASE_PREPARED_STATEMENTS,
        }
      : { engine: 'sqlite' as const, file: resolve(dataDir, 'passline.db') },
    redisUrl: env.PASSLINE_REDIS_URL,
    redisKeyPrefix: env.PASSLINE_REDIS_KEY_PREFIX,
    encryptionKey: env.PASSLINE_ENCRYPTION_KEY ? decodeKey(env.PASSLINE_ENCRYPTION_KEY) : undefined,
    previousEncryptionKeys: env.PASSLINE_ENCRYPTION_KEYS_PREVIOUS ?? [],
    connectorModules: (env.PASSLINE_CONNECTORS ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
    trustProxy: env.PASSLINE_TRUST_PROXY,
    publicUrl: env.PASSLINE_PUBLIC_URL,
    protectionSecrets: {
      challengeSecret: env.PASSLINE_CHALLENGE_SECRET,
      alertWebhookSecret: env.PASSLINE_ALERT_WEBHOOK_SECRET,
    },
    auditRetentionDays: env.PASSLINE_AUDIT_RETENTION_DAYS,
    metrics: {
      token: env.PASSLINE_METRICS_TOKEN,
      port: env.PASSLINE_METRICS_PORT,
      host: env.PASSLINE_METRICS_HOST,
    },
  });
}

const proxyPresets = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * `PASSLINE_TRUST_PROXY`: unset or `false`; a hop count (`1` for one load balancer); or a
 * comma-separated list of proxy addresses, CIDRs and the presets loopback, linklocal, uniquelocal.
 * `true` is refused: trusting every hop lets any client choose its own IP address with a header,
 * which defeats every per-IP limit. Returns the problem as a string.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy | string {
  const trimmed = value?.trim().toLowerCase() ?? '';
  if (trimmed === '' || trimmed === 'false' || trimmed === 'no' || trimmed === '0') return false;
  if (trimmed === 'true' || trimmed === 'yes') {
    return 'true would trust X-Forwarded-For from any client, so anyone could pick their own IP address and skip the per-IP limits; set the number of proxies in front of Passline (e.g. 1 for one load balancer) or their addresses (e.g. 10.0.0.0/8)';
  }
  if (/^\d+$/.test(trimmed)) {
    const hops = Number(trimmed);
    return hops <= 10 ? hops : 'a hop count is at most 10';
  }
  const entries = trimmed
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const invalid = entries.filter((entry) => !proxyPresets.has(entry) && !isAddressOrCidr(entry));
  if (invalid.length > 0) {
    return `${invalid.join(', ')}: not an IP address, a CIDR (10.0.0.0/8, fd00::/8) or one of loopback, linklocal, uniquelocal; or give a hop count such as 1`;
  }
  return entries;
}

function isAddressOrCidr(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * `PASSLINE_ENCRYPTION_KEYS_PREVIOUS`: comma-separated keys in the encodings of
 * `PASSLINE_ENCRYPTION_KEY`. A problem names the entry by position, never by value: it is a key.
 */
export function parsePreviousKeys(value: string | undefined): Buffer[] | string {
  const entries = (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const keys = entries.map(decodeKey);
  const invalid = keys.flatMap((key, index) => (key ? [] : [index + 1]));
  if (invalid.length > 0) {
    return `entr${invalid.length === 1 ? 'y' : 'ies'} ${invalid.join(', ')} of ${entries.length}: not 32 bytes, base64 or hex encoded (each entry is a key that PASSLINE_ENCRYPTION_KEY once held)`;
  }
  return keys as Buffer[];
}

/** Accepts 32 bytes as base64, base64url or hex. */
export function decodeKey(value: string): Buffer | undefined {
  const trimmed = value.trim();
  const candidates = [
    /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : undefined,
    /^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : undefined,
  ];
  return candidates.find((candidate) => candidate?.length === 32);
}

/** `https://id.example.com/` → `https://id.example.com`; anything with a path, query or credentials → undefined. */
function publicOrigin(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const plain = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
  return (url.protocol === 'https:' || url.protocol === 'http:') && plain && !value.endsWith('?')
    ? url.origin
    : undefined;
}
