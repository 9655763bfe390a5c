import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import {
  connectorLabel,
  countryLabel,
  methodLabel,
  reasonLabel,
  statusClassLabel,
  usageLabel,
} from './metric-labels.ts';

/** What became of a code Passline was asked to send (or relay). */
export type SendOutcome = 'sent' | 'failed' | 'refused' | 'suppressed';
/** What became of one check of a code. */
export type CheckOutcome =
  | 'approved'
  | 'wrong_code'
  | 'expired'
  | 'too_many_attempts'
  | 'already_used'
  | 'cancelled'
  | 'not_found';
export type SignInMethod = 'code' | 'password' | 'register';

export interface SendLabels {
  outcome: SendOutcome;
  usage: string;
  country: string | null | undefined;
  /** The connector that took the message (or the last one tried); none for refusals. */
  connector: string | null | undefined;
}

/** Where a checked code was sent, as far as the check knows it. */
export interface CheckedWhere {
  country?: string | null;
  connector?: string | null;
}

export interface ProviderCallLabels {
  connector: string | null;
  factory: string;
  outcome: string;
}

/**
 * Another recorder fed by the same call sites (the dashboard's rollups): it sees the raw values,
 * before they are shaped into Prometheus labels.
 */
export interface MetricsObserver {
  verificationSent?(labels: SendLabels): void;
  verificationRefused?(reason: string): void;
  verificationChecked?(outcome: CheckOutcome, where: CheckedWhere): void;
  providerCall?(labels: ProviderCallLabels, seconds: number): void;
  receipt?(factory: string, status: string, connector?: string | null): void;
}

export type Metrics = ReturnType<typeof createMetrics>;

const providerBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30];
const httpBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * One Passline instance's metrics, in a registry of its own: never prom-client's global one, so
 * several instances in one process (tests, the benchmark) each count only their own traffic. Each
 * instance is scraped on its own; the scraper adds the `instance` label.
 */
export function createMetrics() {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: 'passline_' });

  const sent = new Counter({
    name: 'passline_verifications_sent_total',
    help: 'Codes Passline issued, by outcome (sent, failed, refused, suppressed), usage, country and connector.',
    labelNames: ['outcome', 'usage', 'country', 'connector'] as const,
    registers,
  });
  const relayed = new Counter({
    name: 'passline_relayed_codes_total',
    help: 'Codes another system issued and Passline delivered (integrations), by outcome, usage, country and connector.',
    labelNames: ['outcome', 'usage', 'country', 'connector'] as const,
    registers,
  });
  const refusals = new Counter({
    name: 'passline_verification_refusals_total',
    help: 'Sends refused before any provider was called, by reason (the error code: rate limits and protection).',
    labelNames: ['reason'] as const,
    registers,
  });
  const checks = new Counter({
    name: 'passline_verification_checks_total',
    help: 'Code checks, by outcome; outcome="approved" over sends with outcome="sent" is the conversion.',
    labelNames: ['outcome'] as const,
    registers,
  });
  // Since this instance started: the PromQL ratio of the two counters is what dashboards should use.
  let sentCount = 0;
  let approvedCount = 0;
  new Gauge({
    name: 'passline_verification_conversion_ratio',
    help: 'Codes approved on this instance / codes it sent, since it started (0 before its first send).',
    registers,
    collect() {
      this.set(sentCount === 0 ? 0 : approvedCount / sentCount);
    },
  });
  const providerDuration = new Histogram({
    name: 'passline_provider_request_duration_seconds',
    help: "Time of each provider call, by connector, connector type (factory) and outcome (sent or the failure's kind).",
    labelNames: ['connector', 'factory', 'outcome'] as const,
    buckets: providerBuckets,
    registers,
  });
  const receipts = new Counter({
    name: 'passline_delivery_receipts_total',
    help: 'Delivery reports received from providers, by connector type and status (delivered, undelivered, pending).',
    labelNames: ['factory', 'status'] as const,
    registers,
  });
  const protectionRefusals = new Counter({
    name: 'passline_protection_refusals_total',
    help: 'Sends protection refused, by reason; enforced="false" in record-only mode (the send went ahead).',
    labelNames: ['reason', 'enforced'] as const,
    registers,
  });
  const budgetUsed = new Gauge({
    name: 'passline_protection_budget_used_ratio',
    help: "Share of protection's send budgets used, as this instance saw it at its last counted send (budgets are shared by every instance).",
    labelNames: ['budget', 'country'] as const,
    registers,
  });
  const httpDuration = new Histogram({
    name: 'passline_http_request_duration_seconds',
    help: 'HTTP request durations, by route pattern, method and status class.',
    labelNames: ['route', 'method', 'status_class'] as const,
    buckets: httpBuckets,
    registers,
  });
  const signIns = new Counter({
    name: 'passline_sign_ins_total',
    help: 'End-user sign-ins (register, code, password), by method and outcome (success or the error code).',
    labelNames: ['method', 'outcome'] as const,
    registers,
  });
  const refreshReuse = new Counter({
    name: 'passline_refresh_token_reuse_total',
    help: 'Refresh tokens presented again after use: each revoked its whole session.',
    registers,
  });

  const observers: MetricsObserver[] = [];

  return {
    registry,
    /** Feeds `observer` from now on, alongside the Prometheus series. */
    observe(observer: MetricsObserver): void {
      observers.push(observer);
    },
    contentType: registry.contentType,
    /** The Prometheus text exposition of every series. */
    render: () => registry.metrics(),

    verificationSent(labels: SendLabels): void {
      sent.inc(sendLabels(labels));
      if (labels.outcome === 'sent') sentCount += 1;
      for (const observer of observers) observer.verificationSent?.(labels);
    },
    codeRelayed(labels: SendLabels): void {
      relayed.inc(sendLabels(labels));
    },
    verificationRefused(reason: string): void {
      refusals.inc({ reason: reasonLabel(reason) });
      for (const observer of observers) observer.verificationRefused?.(reason);
    },
    verificationChecked(outcome: CheckOutcome, where: CheckedWhere = {}): void {
      checks.inc({ outcome });
      if (outcome === 'approved') approvedCount += 1;
      for (const observer of observers) observer.verificationChecked?.(outcome, where);
    },
    providerCall(labels: ProviderCallLabels, seconds: number): void {
      for (const observer of observers) observer.providerCall?.(labels, seconds);
      providerDuration.observe(
        {
          connector: connectorLabel(labels.connector),
          factory: connectorLabel(labels.factory),
          outcome: /^[a-z_]{1,40}$/.test(labels.outcome) ? labels.outcome : 'other',
        },
        seconds,
      );
    },
    /** `connector`: the receiving connector's id, for the dashboard (the Prometheus series stay by type). */
    receipt(factory: string, status: string, connector?: string | null): void {
      const known = status === 'delivered' || status === 'undelivered' || status === 'pending';
      receipts.inc({ factory: connectorLabel(factory), status: known ? status : 'other' });
      for (const observer of observers) observer.receipt?.(factory, status, connector);
    },
    protectionRefusal(reason: string, enforced: boolean): void {
      protectionRefusals.inc({ reason: reasonLabel(reason), enforced: String(enforced) });
    },
    /** `budget`: global_hour, global_day or country (with its country; `all` for the global ones). */
    budgetUsage(budget: 'global_hour' | 'global_day' | 'country', country: string | null, share: number): void {
      budgetUsed.set({ budget, country: budget === 'country' ? countryLabel(country) : 'all' }, share);
    },
    /** `route`: the route's pattern (`/api/verifications/:id`); unmatched requests share one label. */
    httpRequest(route: string | undefined, method: string, status: number, seconds: number): void {
      httpDuration.observe(
        { route: route ?? 'unmatched', method: methodLabel(method), status_class: statusClassLabel(status) },
        seconds,
      );
    },
    signIn(method: SignInMethod, outcome: string): void {
      signIns.inc({ method, outcome: outcome === 'success' ? outcome : reasonLabel(outcome) });
    },
    refreshTokenReused(): void {
      refreshReuse.inc();
    },
  };
}

function sendLabels(labels: SendLabels) {
  return {
    outcome: labels.outcome,
    usage: usageLabel(labels.usage),
    country: countryLabel(labels.country),
    connector: connectorLabel(labels.connector),
  };
}
