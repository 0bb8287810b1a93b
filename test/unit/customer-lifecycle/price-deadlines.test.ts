import { MIN_PHASE_SECONDS, pricePhases } from '../../../functions/customer-lifecycle/price-request/price-deadlines';
import { stageConfig } from '../../../lib/stage-config';

const HOUR = 3600;

describe('pricePhases turns the stage settings into the seconds each phase waits', () => {
  test('the defaults: 24 h to the reminder, 24 h more to the hand-over, 24 h for the field manager; a counter-offer 36 h + 36 h', () => {
    expect(pricePhases(stageConfig('dev').customerLifecycle)).toEqual({
      insideWarnSeconds: 24 * HOUR,
      insideRestSeconds: 24 * HOUR,
      insideWindowSeconds: 48 * HOUR,
      partnerWindowSeconds: 24 * HOUR,
      counterWarnSeconds: 36 * HOUR,
      counterRestSeconds: 36 * HOUR,
      counterWindowSeconds: 72 * HOUR,
    });
  });

  test('the warning fraction splits each window, and the phases add up to the configured hours exactly', () => {
    const phases = pricePhases({ priceDecisionHours: 10, priceWarningFraction: 0.3, counterOfferHours: 5 });
    expect([phases.insideWarnSeconds, phases.insideRestSeconds, phases.partnerWindowSeconds]).toEqual([3 * HOUR, 7 * HOUR, 7 * HOUR]);
    expect(phases.insideWarnSeconds + phases.insideRestSeconds).toBe(10 * HOUR);
    expect(phases.counterWarnSeconds + phases.counterRestSeconds).toBe(5 * HOUR);
  });

  test('every phase is whole seconds and at least a minute, however short the window or extreme the fraction', () => {
    for (const [hours, fraction] of [[0.001, 0.5], [0.01, 0.001], [0.01, 0.999], [48, 0.999], [1 / 7, 0.37]] as const) {
      const phases = pricePhases({ priceDecisionHours: hours, priceWarningFraction: fraction, counterOfferHours: hours });
      for (const [name, value] of Object.entries(phases)) {
        expect([name, Number.isInteger(value) && value >= MIN_PHASE_SECONDS]).toEqual([name, true]);
      }
    }
  });

  test('settings that cannot make a deadline are refused by name', () => {
    expect(() => pricePhases({ priceDecisionHours: 0, priceWarningFraction: 0.5, counterOfferHours: 72 })).toThrow(/priceDecisionHours/);
    expect(() => pricePhases({ priceDecisionHours: 48, priceWarningFraction: 0.5, counterOfferHours: Number.NaN })).toThrow(/counterOfferHours/);
    expect(() => pricePhases({ priceDecisionHours: 48, priceWarningFraction: 1, counterOfferHours: 72 })).toThrow(/priceWarningFraction/);
    expect(() => pricePhases({ priceDecisionHours: 48, priceWarningFraction: 0, counterOfferHours: 72 })).toThrow(/priceWarningFraction/);
  });
});
