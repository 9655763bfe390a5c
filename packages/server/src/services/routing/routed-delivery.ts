import type { ConnectorErrorKind } from '@passline/connector-kit';
import type { DeliveryAttempt } from '@passline/contracts';
import type { ActiveConnector } from '../connectors/connector-service.ts';
import type { Deliver, DeliveryInput, DeliveryMeta, DeliveryOutcome } from '../connectors/delivery.ts';
import { DeliveryFailure } from '../connectors/delivery-errors.ts';
import type { BreakerState, ConnectorHealthService } from './connector-health.ts';

/** The overall deadline of one send, all tries together (docs/routing.md). */
export const sendDeadlineMs = 15_000;
/** Below this much time left, another provider is not worth starting. */
const minimumTryMs = 500;

/**
 * Failures another provider may not repeat: the provider is down, slow or throttling us. A wrong
 * number, a template or configuration problem, or a refusal would fail everywhere alike, and a
 * second provider would only send the same bad request (or a second SMS) again.
 */
const retryable = new Set<ConnectorErrorKind>(['timeout', 'provider_unavailable', 'rate_limited']);

export interface RoutedOutcome extends DeliveryOutcome {
  connectorId: string;
  attempts: DeliveryAttempt[];
}

export type RoutedDeliver = (
  chain: ActiveConnector[],
  input: DeliveryInput,
  meta: Omit<DeliveryMeta, 'connectorId' | 'attempt' | 'signal'>,
) => Promise<RoutedOutcome>;

/**
 * Sends through a chain of connectors: the first that accepts the message wins. A retryable
 * failure moves the send to the next connector, within one overall deadline; any other failure
 * ends it. Connectors whose breaker is open are tried last, only if every other one failed (a code
 * is worth a probe). Each try is its own message-log row (`attempt` 1, 2, ...), and each outcome
 * feeds the breaker.
 */
export function createRoutedDelivery(deps: {
  deliver: Deliver;
  health: ConnectorHealthService;
  deadlineMs?: number;
}): RoutedDeliver {
  const deadlineMs = deps.deadlineMs ?? sendDeadlineMs;

  async function order(chain: ActiveConnector[]): Promise<ActiveConnector[]> {
    if (chain.length === 1) return chain;
    const states = await Promise.all(chain.map((connector) => deps.health.state(connector.row.id)));
    const open = (state: BreakerState | undefined) => state === 'open';
    return [
      ...chain.filter((_connector, index) => !open(states[index])),
      ...chain.filter((_connector, index) => open(states[index])),
    ];
  }

  return async (chain, input, meta) => {
    // A chain of one is bounded by its connector's own timeout. A longer chain gets one deadline for
    // all its tries: a timer cleared when the send ends (AbortSignal.timeout would keep a timer and
    // a signal alive for the whole 15 s of every send: tens of thousands at a few thousand sends/s).
    const deadline = chain.length > 1 ? new AbortController() : undefined;
    const timer = deadline ? setTimeout(() => deadline.abort(), deadlineMs) : undefined;
    timer?.unref();
    try {
      return await tryInTurn(chain, input, meta, deadline?.signal);
    } finally {
      clearTimeout(timer);
    }
  };

  async function tryInTurn(
    chain: ActiveConnector[],
    input: DeliveryInput,
    meta: Omit<DeliveryMeta, 'connectorId' | 'attempt' | 'signal'>,
    deadline: AbortSignal | undefined,
  ): Promise<RoutedOutcome> {
    const ends = performance.now() + deadlineMs;
    const attempts: DeliveryAttempt[] = [];
    let last: DeliveryFailure | undefined;
    for (const connector of await order(chain)) {
      if (attempts.length > 0 && ends - performance.now() < minimumTryMs) break;
      const connectorId = connector.row.id;
      try {
        const outcome = await deps.deliver(connector.factory, connector.config, input, {
          ...meta,
          connectorId,
          attempt: attempts.length + 1,
          ...(deadline ? { signal: deadline } : {}),
        });
        attempts.push({
          connectorId,
          factoryId: connector.factory.metadata.id,
          outcome: 'sent',
          latencyMs: outcome.latencyMs,
          messageId: outcome.messageLogId,
        });
        await deps.health.recordSuccess(connectorId);
        return { ...outcome, connectorId, attempts };
      } catch (error) {
        if (!(error instanceof DeliveryFailure)) throw error;
        const kind = error.connectorError.kind;
        attempts.push({
          connectorId,
          factoryId: connector.factory.metadata.id,
          outcome: kind,
          latencyMs: error.latencyMs,
          messageId: error.messageLogId,
        });
        last = error;
        if (!retryable.has(kind)) {
          // The provider answered (it refused this message for its own reasons): it is up.
          await deps.health.recordSuccess(connectorId);
          break;
        }
        await deps.health.recordFailure(connectorId, `${kind}: ${error.connectorError.message}`);
        if (deadline?.aborted) break;
      }
    }
    if (!last) throw new Error('routed delivery with an empty chain');
    // The last failure, with every try: the caller's error names them all.
    throw new DeliveryFailure(last.connectorError, last.messageLogId, last.latencyMs, attempts);
  }
}
