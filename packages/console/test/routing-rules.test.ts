import { routingLimits } from '@passline/contracts';
import { describe, expect, it } from 'vitest';
import {
  chainProblem,
  checkRoutingPrefix,
  connectorsInUse,
  draftOf,
  hasProblems,
  moveItem,
  requestOf,
  routingProblems,
  sameRouting,
  shadowedEntries,
} from '../src/pages/routing-rules.ts';

const sms = new Set(['con_a', 'con_b', 'con_c']);
const rule = (change: { countries?: string[]; prefixes?: string[]; connectors?: string[] }) => ({
  key: 'k',
  countries: [],
  prefixes: [],
  connectors: ['con_a'],
  ...change,
});

describe('moving entries of a chain or of the rules', () => {
  it('moves one entry to a new position and keeps the others in order', () => {
    expect(moveItem(['a', 'b', 'c', 'd'], 0, 2)).toEqual(['b', 'c', 'a', 'd']);
    expect(moveItem(['a', 'b', 'c', 'd'], 3, 0)).toEqual(['d', 'a', 'b', 'c']);
    expect(moveItem(['a', 'b', 'c'], 1, 2)).toEqual(['a', 'c', 'b']);
    expect(moveItem(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'c', 'b']);
  });

  it('leaves the list as it was for a move to the same place or outside the list, without changing the input', () => {
    const list = ['a', 'b', 'c'];
    expect(moveItem(list, 1, 1)).toEqual(list);
    expect(moveItem(list, 0, -1)).toEqual(list);
    expect(moveItem(list, 2, 3)).toEqual(list);
    expect(moveItem(list, 5, 0)).toEqual(list);
    expect(moveItem(list, 0, 2)).not.toBe(list);
    expect(list).toEqual(['a', 'b', 'c']);
  });
});

describe('the routing draft and what is sent', () => {
  const saved = {
    default: ['con_a'],
    rules: [
      { countries: ['CN'], connectors: ['con_b', 'con_a'] },
      { prefixes: ['+1242'], connectors: ['con_c'] },
    ],
  };

  it('edits rules with both lists and sends a list only when it has entries', () => {
    const draft = draftOf(saved);
    expect(draft.rules.map((entry) => [entry.countries, entry.prefixes])).toEqual([
      [['CN'], []],
      [[], ['+1242']],
    ]);
    expect(new Set(draft.rules.map((entry) => entry.key)).size).toBe(2);
    expect(requestOf(draft)).toEqual(saved);
  });

  it('counts the same routing as unchanged, and a reorder or a new entry as a change', () => {
    const draft = draftOf(saved);
    expect(sameRouting(draft, saved)).toBe(true);
    // An empty list and a missing one route the same way.
    expect(
      sameRouting(
        { ...saved, rules: [{ countries: ['CN'], prefixes: [], connectors: ['con_b', 'con_a'] }] },
        {
          ...saved,
          rules: [{ countries: ['CN'], connectors: ['con_b', 'con_a'] }],
        },
      ),
    ).toBe(true);
    expect(sameRouting({ ...draft, rules: moveItem(draft.rules, 0, 1) }, saved)).toBe(false);
    expect(sameRouting({ ...draft, default: ['con_a', 'con_b'] }, saved)).toBe(false);
  });

  it('lists each connector in use once, default chain first', () => {
    expect(connectorsInUse(saved)).toEqual(['con_a', 'con_b', 'con_c']);
    expect(connectorsInUse({ default: ['con_b'], rules: [] })).toEqual(['con_b']);
  });
});

describe('routing checks', () => {
  it('accepts a routing the server accepts', () => {
    const problems = routingProblems(
      { default: ['con_a', 'con_b'], rules: [rule({ countries: ['CN'], prefixes: ['+1242'] })] },
      sms,
    );
    expect(hasProblems(problems)).toBe(false);
  });

  it('refuses empty, over-long, repeated and unknown chains', () => {
    expect(chainProblem([], sms)).toMatch(/at least one/);
    expect(chainProblem(['con_a', 'con_a'], sms)).toMatch(/twice/);
    expect(chainProblem(['con_gone'], sms)).toMatch(/con_gone is not a configured SMS connector/);
    const long = Array.from({ length: routingLimits.chain + 1 }, (_, index) => `con_${index}`);
    expect(chainProblem(long, new Set(long))).toMatch(`At most ${routingLimits.chain}`);
  });

  it('marks each rule that matches nothing, has a bad country or prefix, or a bad chain', () => {
    const problems = routingProblems(
      {
        default: [],
        rules: [
          rule({}),
          rule({ countries: ['XX'] }),
          rule({ prefixes: ['86'] }),
          rule({ countries: ['FR'], connectors: [] }),
        ],
      },
      sms,
    );
    expect(problems.default).toMatch(/at least one/);
    expect(problems.rules[0]?.match).toMatch(/Choose a country or a number prefix/);
    expect(problems.rules[1]).toEqual({ countries: 'XX is not a country code: remove it.' });
    expect(problems.rules[2]?.prefixes).toBe(
      '"86": a prefix is + and 1 to 8 digits, not starting with 0, e.g. +86 or +1242',
    );
    expect(problems.rules[3]).toEqual({ connectors: 'Choose at least one connector.' });
    expect(hasProblems(problems)).toBe(true);
  });

  it('takes prefixes the server takes: + and 1 to 8 digits, not starting with 0', () => {
    expect(['+1', '+86', '+1242', '+12345678'].map(checkRoutingPrefix)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    for (const bad of ['86', '+', '+0', '+123456789', '+86 1', '+8a']) expect(checkRoutingPrefix(bad)).toBeDefined();
  });

  it('refuses more rules than the limit', () => {
    const rules = Array.from({ length: routingLimits.rules + 1 }, () => rule({ countries: ['FR'] }));
    expect(routingProblems({ default: ['con_a'], rules }, sms).count).toBe(`At most ${routingLimits.rules} rules.`);
  });

  it('finds the countries and prefixes an earlier rule already takes', () => {
    expect(
      shadowedEntries([
        rule({ countries: ['CN'], prefixes: ['+1'] }),
        rule({ countries: ['CN', 'FR'], prefixes: ['+1242', '+44'] }),
        rule({ prefixes: ['+4420'] }),
      ]),
    ).toEqual([[], ['CN', '+1242'], ['+4420']]);
  });
});
