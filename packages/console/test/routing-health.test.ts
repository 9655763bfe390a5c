import { describe, expect, it } from 'vitest';
import { healthLabel, healthOf } from '../src/pages/routing-health.ts';

describe('connector health in words', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  const timeOf = (iso: string) => iso.slice(11, 16);

  it('reads a connector without a row as healthy', () => {
    const listed = { ...healthOf('con_x', []), connectorId: 'con_y', state: 'open' as const };
    expect(healthOf('con_x', [listed])).toMatchObject({
      connectorId: 'con_x',
      state: 'closed',
      consecutiveFailures: 0,
    });
    expect(healthOf('con_y', [listed])).toBe(listed);
  });

  it('says Healthy, Skipped until a time, or Probing', () => {
    expect(healthLabel({ state: 'closed', openUntil: null }, now, timeOf)).toEqual({ text: 'Healthy', tone: 'ok' });
    expect(healthLabel({ state: 'open', openUntil: '2026-01-01T12:05:00Z' }, now, timeOf)).toEqual({
      text: 'Skipped until 12:05',
      tone: 'error',
    });
    // Its time is up: the next send probes it.
    expect(healthLabel({ state: 'open', openUntil: '2026-01-01T11:59:00Z' }, now, timeOf).text).toBe('Probing');
    expect(healthLabel({ state: 'half_open', openUntil: null }, now, timeOf)).toEqual({
      text: 'Probing',
      tone: 'warn',
    });
    expect(healthLabel({ state: 'open', openUntil: null }, now, timeOf).text).toBe('Skipped');
  });
});
