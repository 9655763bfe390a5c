import { describe, expect, it } from 'vitest';
import { deliveryText, formatDuration, ordinal, tryLabel } from '../src/pages/message-delivery.ts';

describe('the message log in words', () => {
  it('numbers tries as people say them, and says nothing for the first', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '23rd',
      '101st',
      '111th',
    ]);
    expect(tryLabel(1)).toBeUndefined();
    expect(tryLabel(2)).toBe('2nd try');
    expect(tryLabel(3)).toBe('3rd try');
  });

  it('formats receipt delays from tenths of a second to hours', () => {
    expect(formatDuration(3200)).toBe('3.2 s');
    expect(formatDuration(800)).toBe('0.8 s');
    expect(formatDuration(45_400)).toBe('45 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(120_000)).toBe('2 min');
    expect(formatDuration(3_780_000)).toBe('1 h 3 min');
    expect(formatDuration(7_200_000)).toBe('2 h');
    expect(formatDuration(-5)).toBe('0.0 s');
  });

  it('says what the receipt said, that one is awaited, or that none will come', () => {
    const at = '2026-01-01T00:00:03.200Z';
    const sent = { status: 'sent' as const, receiptsSupported: true };
    expect(deliveryText({ ...sent, delivery: { status: 'delivered', errorCode: null, at, afterMs: 3200 } })).toEqual({
      text: 'Delivered in 3.2 s',
      tone: 'ok',
    });
    expect(deliveryText({ ...sent, delivery: { status: 'delivered', errorCode: null, at, afterMs: null } })?.text).toBe(
      'Delivered',
    );
    expect(
      deliveryText({ ...sent, delivery: { status: 'undelivered', errorCode: '30008', at, afterMs: 900 } }),
    ).toEqual({
      text: 'Undelivered (30008)',
      tone: 'error',
    });
    expect(
      deliveryText({ ...sent, delivery: { status: 'undelivered', errorCode: null, at, afterMs: 900 } })?.text,
    ).toBe('Undelivered');
    expect(deliveryText({ ...sent, delivery: null })).toEqual({ text: 'Awaiting receipt', tone: 'pending' });
    expect(deliveryText({ ...sent, receiptsSupported: false, delivery: null })?.text).toBe(
      'No receipts from this connector',
    );
    // A send that failed delivers nothing.
    expect(deliveryText({ status: 'failed', receiptsSupported: true, delivery: null })).toBeUndefined();
  });
});
