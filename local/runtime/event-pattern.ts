/**
 * The content-filtering pattern language AWS shares between SNS payload-based
 * filter policies, EventBridge event patterns and Lambda event filtering
 * (FilterCriteria): a JSON object that mirrors the document's shape, whose leaves
 * are lists of match values — exact values (string, number, true, false, null),
 * `prefix`, `suffix`, `equals-ignore-case`, `anything-but` (a value, a list, or a
 * prefix / suffix), `numeric` (`=` or a range), `exists` — with keys ANDed, the
 * values of one key ORed, and `$or` for alternatives.
 *
 * Only the syntax and the matching live here. Each service adds its own limits
 * and error shape: SNS (`sns/filter-policy.ts`) counts keys and combinations and
 * bounds numbers; Lambda (`streams/filter-criteria.ts`) ORs several patterns.
 * Pure: no I/O, no clock.
 */

/** A value a rule can be compared with: a JSON leaf of the document. */
export type PatternLeaf = string | number | boolean | null;
export type NumericOperator = '=' | '<' | '<=' | '>' | '>=';

export type PatternRule =
  | { readonly kind: 'equals'; readonly value: PatternLeaf }
  | { readonly kind: 'anything-but'; readonly values: readonly PatternLeaf[] }
  | { readonly kind: 'anything-but-prefix'; readonly prefix: string }
  | { readonly kind: 'anything-but-suffix'; readonly suffix: string }
  | { readonly kind: 'prefix'; readonly prefix: string }
  | { readonly kind: 'suffix'; readonly suffix: string }
  | { readonly kind: 'equals-ignore-case'; readonly value: string }
  | { readonly kind: 'numeric'; readonly bounds: readonly { op: NumericOperator; value: number }[] }
  | { readonly kind: 'exists'; readonly exists: boolean };

export type PatternCondition =
  | { readonly kind: 'key'; readonly path: readonly string[]; readonly rules: readonly PatternRule[] }
  | { readonly kind: 'all'; readonly of: readonly PatternCondition[] }
  | { readonly kind: 'any'; readonly of: readonly PatternCondition[] };

/** Looks a key path up in the document: its leaf values, or undefined when the key is absent. */
export type PatternLookup = (path: readonly string[]) => readonly PatternLeaf[] | undefined;

/** A pattern the syntax refuses; `message` names the key path and the problem (services add their own prefix). */
export class EventPatternError extends Error {
  constructor(problem: string) {
    super(problem);
    this.name = 'EventPatternError';
  }
}

export interface CompilePatternOptions {
  /** When set, a nested object is refused with this message (SNS attribute policies are flat). */
  readonly refuseNesting?: (keyPath: string) => string;
}

/** Operator names; an `$or` whose branches use them as keys is not an OR (SNS guide, "OR operator"). */
const OPERATORS = new Set(['anything-but', 'prefix', 'suffix', 'equals-ignore-case', 'numeric', 'exists', 'cidr', 'wildcard']);

/** Compiles a parsed pattern object into a condition tree; throws EventPatternError naming the problem. */
export function compilePattern(pattern: Record<string, unknown>, options: CompilePatternOptions = {}): PatternCondition {
  return compileObject(pattern, [], options);
}

export function evaluatePattern(condition: PatternCondition, lookup: PatternLookup): boolean {
  switch (condition.kind) {
    case 'all':
      return condition.of.every((part) => evaluatePattern(part, lookup));
    case 'any':
      return condition.of.some((part) => evaluatePattern(part, lookup));
    case 'key': {
      const values = lookup(condition.path);
      return condition.rules.some((rule) =>
        rule.kind === 'exists' ? (values !== undefined) === rule.exists : values !== undefined && values.some((value) => ruleMatches(rule, value)),
      );
    }
  }
}

/**
 * The leaves at a path of a JSON document; arrays on the way are flattened,
 * objects are not leaves (so `exists` is about leaves, as in SNS and EventBridge).
 */
export function jsonLeaves(document: unknown, path: readonly string[]): readonly PatternLeaf[] | undefined {
  let nodes: unknown[] = [document];
  for (const key of path) {
    nodes = nodes.flatMap((node) => (isPlainObject(node) && key in node ? flatten(node[key]) : []));
  }
  const leaves = nodes.filter(isPatternLeaf);
  return leaves.length > 0 ? leaves : undefined;
}

/** Every key condition of the tree, for services that count keys or bound values. */
export function keyConditions(condition: PatternCondition): Extract<PatternCondition, { kind: 'key' }>[] {
  return condition.kind === 'key' ? [condition] : condition.of.flatMap(keyConditions);
}

// ---------------------------------------------------------------- compile

function compileObject(node: Record<string, unknown>, path: readonly string[], options: CompilePatternOptions): PatternCondition {
  const parts: PatternCondition[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === '$or' && isOrOperator(value)) {
      parts.push({ kind: 'any', of: value.map((branch) => compileObject(branch, path, options)) });
      continue;
    }
    const keyPath = [...path, key];
    if (Array.isArray(value)) {
      parts.push({ kind: 'key', path: keyPath, rules: compileRules(value, keyPath) });
    } else if (isPlainObject(value)) {
      if (options.refuseNesting) fail(options.refuseNesting(keyPath.join('.')));
      if (Object.keys(value).length === 0) fail(`"${keyPath.join('.')}": empty objects are not allowed`);
      parts.push(compileObject(value, keyPath, options));
    } else {
      fail(`"${keyPath.join('.')}" must be an object or an array`);
    }
  }
  return { kind: 'all', of: parts };
}

/** `$or` is an operator only with at least two object branches, none keyed by an operator name. */
function isOrOperator(value: unknown): value is Record<string, unknown>[] {
  return (
    Array.isArray(value) &&
    value.length >= 2 &&
    value.every((branch) => isPlainObject(branch) && Object.keys(branch).every((key) => !OPERATORS.has(key)))
  );
}

function compileRules(values: readonly unknown[], path: readonly string[]): PatternRule[] {
  const where = `"${path.join('.')}"`;
  if (values.length === 0) fail(`${where}: empty arrays are not allowed`);
  return values.map((value) => {
    if (isPatternLeaf(value)) return { kind: 'equals', value };
    if (!isPlainObject(value)) fail(`${where}: match value must be a string, number, true, false, null or an operator object`);
    const entries = Object.entries(value);
    const [entry] = entries;
    if (entries.length !== 1 || !entry) fail(`${where}: an operator object must have exactly one key`);
    return compileOperator(entry[0], entry[1], where);
  });
}

function compileOperator(operator: string, operand: unknown, where: string): PatternRule {
  switch (operator) {
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case': {
      if (typeof operand !== 'string') fail(`${where}: "${operator}" must be followed by a string`);
      if (operator === 'prefix') return { kind: 'prefix', prefix: operand };
      if (operator === 'suffix') return { kind: 'suffix', suffix: operand };
      return { kind: 'equals-ignore-case', value: operand };
    }
    case 'exists':
      if (typeof operand !== 'boolean') fail(`${where}: "exists" must be followed by true or false`);
      return { kind: 'exists', exists: operand };
    case 'anything-but':
      return compileAnythingBut(operand, where);
    case 'numeric':
      return compileNumeric(operand, where);
    case 'cidr':
      return fail(`${where}: "cidr" matching is not supported by the local runtime`);
    default:
      fail(`${where}: unrecognized match type "${operator}"`);
  }
}

function compileAnythingBut(operand: unknown, where: string): PatternRule {
  if (typeof operand === 'string' || isFiniteNumber(operand)) return { kind: 'anything-but', values: [operand] };
  if (Array.isArray(operand)) {
    const items: unknown[] = operand;
    const strings = items.filter((value) => typeof value === 'string');
    const numbers = items.filter(isFiniteNumber);
    const values = strings.length === items.length ? strings : numbers.length === items.length ? numbers : undefined;
    if (!values || values.length === 0) fail(`${where}: "anything-but" list must be a non-empty list of strings or of numbers`);
    return { kind: 'anything-but', values };
  }
  if (isPlainObject(operand)) {
    const entries = Object.entries(operand);
    const [entry] = entries;
    if (entries.length === 1 && entry && typeof entry[1] === 'string') {
      if (entry[0] === 'prefix') return { kind: 'anything-but-prefix', prefix: entry[1] };
      if (entry[0] === 'suffix') return { kind: 'anything-but-suffix', suffix: entry[1] };
    }
  }
  fail(`${where}: "anything-but" must be followed by a string, a number, a list, or {"prefix"|"suffix": string}`);
}

/** `["numeric", "=", 5]`, or a range: a lower bound (`>`/`>=`) then an upper bound (`<`/`<=`), either alone. */
function compileNumeric(operand: unknown, where: string): PatternRule {
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) {
    fail(`${where}: "numeric" must be followed by [operator, number] or [lower operator, number, upper operator, number]`);
  }
  const bounds: { op: NumericOperator; value: number }[] = [];
  for (let i = 0; i < operand.length; i += 2) {
    const op: unknown = operand[i];
    const value: unknown = operand[i + 1];
    if (op !== '=' && op !== '<' && op !== '<=' && op !== '>' && op !== '>=') fail(`${where}: unrecognized numeric operator ${JSON.stringify(op)}`);
    if (!isFiniteNumber(value)) fail(`${where}: numeric operator "${op}" must be followed by a number`);
    bounds.push({ op, value });
  }
  const [first, second] = bounds;
  if (second && first) {
    const isLower = first.op === '>' || first.op === '>=';
    const isUpper = second.op === '<' || second.op === '<=';
    if (!isLower || !isUpper) fail(`${where}: a numeric range is a lower bound (>, >=) followed by an upper bound (<, <=)`);
    if (first.value >= second.value) fail(`${where}: the lower bound of a numeric range must be below its upper bound`);
  }
  return { kind: 'numeric', bounds };
}

// ---------------------------------------------------------------- match

function ruleMatches(rule: Exclude<PatternRule, { kind: 'exists' }>, value: PatternLeaf): boolean {
  switch (rule.kind) {
    case 'equals':
      return value === rule.value;
    case 'anything-but':
      return !rule.values.includes(value);
    case 'anything-but-prefix':
      return typeof value === 'string' && !value.startsWith(rule.prefix);
    case 'anything-but-suffix':
      return typeof value === 'string' && !value.endsWith(rule.suffix);
    case 'prefix':
      return typeof value === 'string' && value.startsWith(rule.prefix);
    case 'suffix':
      return typeof value === 'string' && value.endsWith(rule.suffix);
    case 'equals-ignore-case':
      return typeof value === 'string' && value.toLowerCase() === rule.value.toLowerCase();
    case 'numeric':
      return typeof value === 'number' && rule.bounds.every((bound) => compare(value, bound.op, bound.value));
  }
}

function compare(value: number, op: NumericOperator, bound: number): boolean {
  switch (op) {
    case '=':
      return value === bound;
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case '>':
      return value > bound;
    case '>=':
      return value >= bound;
  }
}

function flatten(value: unknown): unknown[] {
  return Array.isArray(value) ? value.flatMap(flatten) : [value];
}

// ---------------------------------------------------------------- helpers

export function isPatternLeaf(value: unknown): value is PatternLeaf {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || isFiniteNumber(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(problem: string): never {
  throw new EventPatternError(problem);
}
