/** Connector health (the circuit breaker) in words, for the Routing and Connectors pages. */

import type { ConnectorHealth } from '@passline/contracts';

export type HealthState = ConnectorHealth['state'];

/** The API lists only connectors that have failed; one without a row is healthy. */
export function healthOf(connectorId: string, items: readonly ConnectorHealth[]): ConnectorHealth {
  return (
    items.find((item) => item.connectorId === connectorId) ?? {
      connectorId,
      state: 'closed',
      consecutiveFailures: 0,
      openUntil: null,
      lastFailureAt: null,
      lastError: null,
      lastSuccessAt: null,
    }
  );
}

/** "14:05" in the browser's time zone. */
export function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
}

export interface HealthLabel {
  text: string;
  tone: 'ok' | 'warn' | 'error';
}

/**
 * Healthy, Skipped until HH:MM, or Probing. An open breaker whose time is up is probed by the
 * next send, so it reads as Probing before any instance has marked it half open; one whose end is
 * not known (the route tester's answer) is just Skipped.
 */
export function healthLabel(
  health: Pick<ConnectorHealth, 'state' | 'openUntil'>,
  now: number,
  timeOf: (iso: string) => string = clockTime,
): HealthLabel {
  if (health.state === 'closed') return { text: 'Healthy', tone: 'ok' };
  if (health.state === 'open') {
    if (health.openUntil === null) return { text: 'Skipped', tone: 'error' };
    if (Date.parse(health.openUntil) > now) return { text: `Skipped until ${timeOf(health.openUntil)}`, tone: 'error' };
  }
  return { text: 'Probing', tone: 'warn' };
}
