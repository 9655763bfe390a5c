import { describe, expect, it } from 'vitest';
import { axisMax, barsOf, chartSummary, type Hour, seriesOf } from '../src/pages/protection-chart.ts';
import { allCountryCodes, countryLabel, countryNamer, searchCountries } from '../src/pages/protection-countries.ts';
import {
  checkCountryCode,
  checkIpRange,
  checkNumberPrefix,
  normalizeNumberPrefix,
} from '../src/pages/protection-entries.ts';

const nameOf = countryNamer('en');

describe('protection countries', () => {
  it('knows every country with a numbering plan by its ISO code, named by Intl', () => {
    expect(allCountryCodes.length).toBeGreaterThan(200);
    expect(allCountryCodes).toEqual(expect.arrayContaining(['GB', 'KE', 'US', 'CI']));
    expect(allCountryCodes.every((code) => /^[A-Z]{2}$/.test(code))).toBe(true);
    expect(countryLabel('GB', nameOf)).toBe('United Kingdom (GB)');
    // A code Intl cannot name stays a code rather than breaking the page.
    expect(countryLabel('intl', nameOf)).toBe('intl');
  });

  it('finds countries by code first, then by the start of the name or a word, ignoring accents', () => {
    expect(searchCountries('gb', allCountryCodes, nameOf)[0]).toBe('GB');
    expect(searchCountries('united k', allCountryCodes, nameOf)).toEqual(['GB']);
    expect(searchCountries('cote', allCountryCodes, nameOf)).toContain('CI');
    expect(searchCountries('kingdom', allCountryCodes, nameOf)).toContain('GB');
    const island = searchCountries('island', allCountryCodes, nameOf);
    expect(island.length).toBeGreaterThan(3);
    expect(searchCountries('   ', allCountryCodes, nameOf)).toEqual([]);
  });
});

describe('protection always-allow entries', () => {
  it('accepts IP addresses and CIDR ranges of both families, and says what is wrong otherwise', () => {
    for (const good of ['203.0.113.7', '203.0.113.0/24', '2001:db8::/32', '::1', '0.0.0.0/0']) {
      expect(checkIpRange(good), good).toBeUndefined();
    }
    expect(checkIpRange('203.0.113.0/33')).toBe('the prefix length must be 0–32');
    expect(checkIpRange('2001:db8::/129')).toBe('the prefix length must be 0–128');
    for (const bad of ['203.0.113', '256.1.1.1', 'example.com', '1.2.3.4/24/1', 'fe80::1%eth0']) {
      expect(checkIpRange(bad), bad).toMatch(/not an IP address/);
    }
  });

  it('checks number prefixes as the contract does, after taking out spaces people paste', () => {
    expect(normalizeNumberPrefix('+44 (0) 7700-9')).toBe('+44077009');
    expect(checkNumberPrefix('+4477009')).toBeUndefined();
    expect(checkNumberPrefix('4477009')).toBe('an E.164 prefix such as "+4477009"');
    expect(checkCountryCode('GB')).toBeUndefined();
    expect(checkCountryCode('ZZ')).toBe('not a country with a numbering plan');
    expect(checkCountryCode('gbr')).toBe('a two-letter country code, e.g. GB');
  });
});

describe('protection chart', () => {
  const hours: Hour[] = [
    { hour: '2026-12-03T10:00:00.000Z', sent: 40, refused: { 'fraud.country_blocked': 3 } },
    { hour: '2026-12-03T11:00:00.000Z', sent: 10, refused: { 'rate_limit.prefix': 12, 'fraud.new_rule': 1 } },
    { hour: '2026-12-03T12:00:00.000Z', sent: 0, refused: {} },
  ];

  it('stacks sends under the refusals, known reasons in the contract order and unknown ones by code', () => {
    const series = seriesOf(hours);
    expect(series.map((entry) => [entry.key, entry.total])).toEqual([
      ['sent', 50],
      ['fraud.country_blocked', 3],
      ['rate_limit.prefix', 12],
      ['fraud.new_rule', 1],
    ]);
    expect(series[3]?.label).toBe('fraud.new_rule');
    const bars = barsOf(hours, series);
    expect(bars.map((bar) => bar.total)).toEqual([43, 23, 0]);
    expect(bars[1]?.segments.map((segment) => segment.key)).toEqual(['sent', 'rate_limit.prefix', 'fraud.new_rule']);
    expect(axisMax(bars)).toBe(50);
    expect(axisMax([])).toBe(1);
  });

  it('says the whole chart in one sentence for screen readers', () => {
    expect(chartSummary(hours)).toMatch(
      /^Last 3 hours: 50 codes sent, 16 refused \(range budget spent 12, country not allowed 3, fraud\.new_rule 1\); most refusals in the hour from \d\d:00\.$/,
    );
    expect(chartSummary([{ hour: hours[0]?.hour ?? '', sent: 2, refused: {} }])).toBe(
      'Last hour: 2 codes sent, 0 refused.',
    );
  });
});
