/**
 * Budgets in CI (issue 9, point 5): every Lambda bundle of the synthesized
 * stack must stay within its byte budget in bench/budgets.json; a function
 * without a budget fails too (a new function gets one, with a reason). A bundle
 * far below its budget is printed so the budget gets tightened.
 */
import { checkBudget, readBudgets } from '../../bench/cost/budgets';
import { bundleSizes } from '../../bench/bundle-sizes';
import { devCdkOut } from '../support/infra-template';

const sizes = bundleSizes(devCdkOut());
const budgets = readBudgets().bundles;

test('every function of the template has a bundle budget', () => {
  expect(sizes.filter((s) => budgets[s.name] === undefined).map((s) => `${s.name} (${s.bytes} bytes) has no budget in bench/budgets.json`)).toEqual([]);
});

test('every bundle stays within its byte budget', () => {
  const checks = sizes.flatMap((s) => {
    const budget = budgets[s.name];
    return budget ? [checkBudget(`${s.name} bundle bytes`, s.bytes, budget)] : [];
  });
  const stale = Object.keys(budgets).filter((name) => !sizes.some((s) => s.name === name));
  const notes = [...checks.flatMap((c) => (c.slack ? [c.slack] : [])), ...stale.map((name) => `bundle budget for ${name}, which the template no longer has: remove it`)];
  if (notes.length > 0) console.log(notes.join('\n'));
  expect(checks.flatMap((c) => (c.exceeded ? [c.exceeded] : []))).toEqual([]);
});
