/**
 * Budgets in CI (issue 9, point 5): each customer scenario runs once in the
 * metered local cloud, and its deterministic figures — state transitions,
 * Lambda invocations, DynamoDB read and write units — must stay within
 * bench/budgets.json. A figure far below its budget is printed so the budget
 * gets tightened. Timings are never checked here.
 *
 * Test data of this file: customers 120–159 (customerOfOwnTerritory order),
 * products 110–139 of the seed, request ids `bb-…`.
 */
import { checkBudget, readBudgets, type ScenarioFigureName } from '../../bench/cost/budgets';
import { CLOCK_SCALES, measureScenario, SCENARIOS, type ScenarioMeasurement, type ScenarioName } from '../../bench/cost/measure-scenario';
import { startMeteredWorld } from '../../bench/cost/metered-world';
import { totalInvocations } from '../../local/runtime/metering/cloud-meter';
import { testEnv } from '../support/test-env';

const measured = new Map<ScenarioName, ScenarioMeasurement>();

beforeAll(async () => {
  let customer = 120;
  let product = 110;
  // Scenarios whose decisions a person answers need a slower clock than the rest: one world per clock, one after the other.
  for (const clock of ['fast', 'answerable'] as const) {
    const world = await startMeteredWorld({ outdir: testEnv('cdkOut'), stackName: testEnv('stackName'), dynamoDbEndpoint: testEnv('dynamoDbEndpoint'), timeScale: CLOCK_SCALES[clock] });
    try {
      for (const scenario of SCENARIOS.filter((s) => s.clock === clock)) {
        measured.set(scenario.name, await measureScenario(world, scenario, { customer: customer++, product, id: `bb-${scenario.name}` }));
        product += scenario.products;
      }
    } finally {
      await world.stop();
    }
  }
}, 240_000);

const figuresOf = (m: ScenarioMeasurement): Record<ScenarioFigureName, number> => ({
  transitions: m.reading.transitions,
  invocations: totalInvocations(m.reading),
  readUnits: m.reading.dynamoDb.readUnits,
  writeUnits: m.reading.dynamoDb.writeUnits,
});

describe.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', (name, scenario) => {
  test(`ends ${scenario.expectedStatus}`, () => {
    expect(measured.get(name)?.finalStatus).toBe(scenario.expectedStatus);
  });

  test('its transitions, invocations and read/write units stay within their budgets', () => {
    const m = measured.get(name);
    expect(m).toBeDefined();
    const budgets = readBudgets().scenarios[name];
    const checks = Object.entries(figuresOf(m!)).map(([figure, value]) => {
      const budget = budgets[figure as ScenarioFigureName];
      return budget ? checkBudget(`${name} ${figure}`, value, budget) : { exceeded: `${name} ${figure} = ${value} has no budget in bench/budgets.json` };
    });
    const slack = checks.flatMap((c) => (c.slack ? [c.slack] : []));
    if (slack.length > 0) console.log(slack.join('\n'));
    expect(checks.flatMap((c) => (c.exceeded ? [c.exceeded] : []))).toEqual([]);
  });
});
