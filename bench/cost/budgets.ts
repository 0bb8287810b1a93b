/**
 * The budgets of bench/budgets.json (issue 9, point 5): per scenario the
 * deterministic figures of one request, per function its bundle bytes, each
 * with the reason for its value. A budget is raised only with a written reason.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/app';
import type { ScenarioName } from './measure-scenario';

export interface Budget {
  readonly budget: number;
  readonly reason: string;
}

export type ScenarioFigureName = 'transitions' | 'invocations' | 'readUnits' | 'writeUnits';

export interface Budgets {
  readonly scenarios: Readonly<Record<ScenarioName, Readonly<Record<ScenarioFigureName, Budget>>>>;
  /** By the function's name as bench/bundle-sizes.ts gives it (logical id without hash and `Function`). */
  readonly bundles: Readonly<Record<string, Budget>>;
}

export const BUDGETS_FILE = join(PROJECT_ROOT, 'bench', 'budgets.json');

/** A figure at or below this share of its budget is reported, so the budget gets tightened. */
export const FAR_BELOW = 0.8;

export function readBudgets(file = BUDGETS_FILE): Budgets {
  return JSON.parse(readFileSync(file, 'utf8')) as Budgets;
}

export interface BudgetCheck {
  /** Set when the figure exceeds its budget: the message a failing test shows. */
  readonly exceeded?: string;
  /** Set when the figure is far below its budget. */
  readonly slack?: string;
}

export function checkBudget(figure: string, value: number, budget: Budget): BudgetCheck {
  if (value > budget.budget) return { exceeded: `${figure} = ${value} exceeds its budget ${budget.budget} (reason: ${budget.reason})` };
  if (value <= budget.budget * FAR_BELOW) return { slack: `${figure} = ${value} is far below its budget ${budget.budget}: tighten it (reason kept: ${budget.reason})` };
  return {};
}
