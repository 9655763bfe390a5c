import { protectionSettingsSchema } from '@passline/contracts';
import { expect, it } from 'vitest';
import { z } from 'zod';
import {
  countryAllowance,
  countryTrips,
  lowConversion,
  slidingDay,
} from '../src/services/protection/conversion-guard.ts';

// The conversion guard's decisions on simulated days, with the default settings. A country's
// allowance of unentered codes follows its own history (its busiest day of entered codes over 14
// days, or the last 24 hours), so normal days and launch spikes pass and a pumping day trips.

const defaults = z.parse(protectionSettingsSchema, {});
/** A quiet country: about 300 codes entered a day, 20 % of codes never entered. */
const quietHistory = [310, 290, 305, 280, 300, 320, 295, 300, 310, 285, 300, 305, 290];

const day = (sent: number, approved: number) => ({ sent, approved });

it('lets a normal day, a launch spike and a small country through, and trips on a pumping day', () => {
  const cases = [
    { name: 'normal day', last24h: day(375, 300), history: quietHistory, trips: false },
    {
      name: 'launch day: 4x traffic, most codes entered',
      last24h: day(1500, 1200),
      history: quietHistory,
      trips: false,
    },
    { name: 'new small country, 30 codes, half entered', last24h: day(30, 15), history: [], trips: false },
    {
      name: 'pumping day: normal users plus 800 unentered codes',
      last24h: day(1175, 300),
      history: quietHistory,
      trips: true,
    },
    { name: 'quiet-day attack on a country with no history', last24h: day(260, 2), history: [], trips: true },
  ];
  const outcomes = cases.map((simulated) => ({
    name: simulated.name,
    unentered: simulated.last24h.sent - simulated.last24h.approved,
    allowance: countryAllowance(defaults, simulated.last24h.approved, simulated.history),
    trips: countryTrips(defaults, simulated.last24h, simulated.history),
  }));
  console.info(
    outcomes
      .map(
        (outcome) =>
          `${outcome.name}: ${outcome.unentered} unentered, allowance ${outcome.allowance}, ${outcome.trips ? 'trips' : 'passes'}`,
      )
      .join('\n'),
  );
  expect(outcomes.map((outcome) => outcome.trips)).toEqual(cases.map((simulated) => simulated.trips));
  expect(outcomes[0]?.allowance).toBe(200);
  expect(outcomes[1]?.allowance).toBe(600);
});

it('judges a range or client IP only once it has had enough codes, and never a user who enters one of two', () => {
  expect(lowConversion(defaults, day(19, 0))).toBe(false);
  expect(lowConversion(defaults, day(20, 3))).toBe(true);
  expect(lowConversion(defaults, day(20, 4))).toBe(false);
  // One real user: asked twice, entered one.
  expect(lowConversion(defaults, day(2, 1))).toBe(false);
});

it('reads the last 24 hours from two daily tallies, weighting yesterday by the part still in the window', () => {
  const dayMs = 86_400_000;
  expect(slidingDay(10, 100, 0)).toBe(110);
  expect(slidingDay(10, 100, dayMs / 4)).toBe(85);
  expect(slidingDay(10, 100, dayMs - 1)).toBeCloseTo(10, 3);
});
