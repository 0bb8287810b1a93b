/**
 * SNS subscription filter policies: validation and matching, written from the
 * Amazon SNS Developer Guide ("Amazon SNS message filtering": policy syntax,
 * AND/OR logic, string / numeric / key matching, and "Filter policy constraints").
 *
 * A policy is compiled once (when a subscription gets it) into a small condition
 * tree; publishing only evaluates the tree. Pure: no I/O, no clock.
 */
import { AwsServiceError, type SnsMessageAttribute } from '../contracts';

export type FilterPolicyScope = 'MessageAttributes' | 'MessageBody';

/**
 * Limits from the guide's "Filter policy constraints" page:
 * at most 5 keys; the "total combination of values" (the product of the number of
 * values in each array) at most 150; a policy of at most 256 KB; numeric values
 * within ±10^9. For payload-based filtering only top-level keys count toward the
 * 5 (the page's "Key counting" section); for attributes every key is top-level.
 */
export const FILTER_POLICY_LIMITS = { maxKeys: 5, maxCombinations: 150, maxBytes: 256 * 1024, maxNumeric: 1e9 } as const;

/** A value a rule can be compared with: a JSON leaf of the body, or an attribute value. */
type Leaf = string | number | boolean | null;
type NumericOperator = '=' | '<' | '<=' | '>' | '>=';

type Rule =
  | { readonly kind: 'equals'; readonly value: Leaf }
  | { readonly kind: 'anything-but'; readonly values: readonly Leaf[] }
  | { readonly kind: 'anything-but-prefix'; readonly prefix: string }
  | { readonly kind: 'anything-but-suffix'; readonly suffix: string }
  | { readonly kind: 'prefix'; readonly prefix: string }
  | { readonly kind: 'suffix'; readonly suffix: string }
  | { readonly kind: 'equals-ignore-case'; readonly value: string }
  | { readonly kind: 'numeric'; readonly bounds: readonly { op: NumericOperator; value: number }[] }
  | { readonly kind: 'exists'; readonly exists: boolean };

type Condition =
  | { readonly kind: 'key'; readonly path: readonly string[]; readonly rules: readonly Rule[] }
  | { readonly kind: 'all'; readonly of: readonly Condition[] }
  | { readonly kind: 'any'; readonly of: readonly Condition[] };

export interface CompiledFilterPolicy {
  readonly scope: FilterPolicyScope;
  /** The policy as given, for GetSubscriptionAttributes. */
  readonly policy: Readonly<Record<string, unknown>>;
  readonly condition: Condition;
}

export interface FilterableMessage {
  /** The message text as delivered to the subscription's protocol. */
  readonly body: string;
  readonly attributes: Readonly<Record<string, SnsMessageAttribute>>;
}

/** Operator names SNS reserves; an `$or` whose branches use them as keys is not an OR (guide, "OR operator"). */
const OPERATORS = new Set(['anything-but', 'prefix', 'suffix', 'equals-ignore-case', 'numeric', 'exists', 'cidr', 'wildcard']);

export function isFilterPolicyScope(value: string): value is FilterPolicyScope {
  return value === 'MessageAttributes' || value === 'MessageBody';
}

/** Parses and validates a policy as SetSubscriptionAttributes receives it (a JSON string). */
export function parseFilterPolicy(json: string, scope: FilterPolicyScope = 'MessageAttributes'): CompiledFilterPolicy {
  if (Buffer.byteLength(json) > FILTER_POLICY_LIMITS.maxBytes) invalid(`policy exceeds ${FILTER_POLICY_LIMITS.maxBytes} bytes`);
  let policy: unknown;
  try {
    policy = JSON.parse(json);
  } catch (error) {
    invalid(`failed to parse JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return compileFilterPolicy(policy, scope);
}

/** Validates a parsed policy and compiles it; throws `InvalidParameter` naming the problem. */
export function compileFilterPolicy(policy: unknown, scope: FilterPolicyScope = 'MessageAttributes'): CompiledFilterPolicy {
  if (!isPlainObject(policy)) invalid('the policy must be a JSON object');
  const condition = compileObject(policy, [], scope);
  const keys = new Set(keyConditions(condition).map((key) => key.path[0]));
  if (keys.size > FILTER_POLICY_LIMITS.maxKeys) {
    invalid(`Filter policy can not have more than ${FILTER_POLICY_LIMITS.maxKeys} keys (has ${keys.size})`);
  }
  const combinations = countCombinations(condition);
  if (combinations > FILTER_POLICY_LIMITS.maxCombinations) {
    invalid(`Filter policy is too complex: ${combinations} value combinations, at most ${FILTER_POLICY_LIMITS.maxCombinations}`);
  }
  return { scope, policy, condition };
}

/** Whether a message passes the policy. A body that is not a JSON object never passes a MessageBody policy. */
export function matchesFilterPolicy(compiled: CompiledFilterPolicy, message: FilterableMessage): boolean {
  if (compiled.scope === 'MessageAttributes') {
    return evaluate(compiled.condition, (path) => attributeValues(message.attributes[path[0] ?? '']));
  }
  let body: unknown;
  try {
    body = JSON.parse(message.body);
  } catch {
    return false;
  }
  if (!isPlainObject(body)) return false;
  return evaluate(compiled.condition, (path) => bodyValues(body, path));
}

// ---------------------------------------------------------------- compile

function compileObject(node: Record<string, unknown>, path: readonly string[], scope: FilterPolicyScope): Condition {
  const parts: Condition[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === '$or' && isOrOperator(value)) {
      parts.push({ kind: 'any', of: value.map((branch) => compileObject(branch, path, scope)) });
      continue;
    }
    const keyPath = [...path, key];
    if (Array.isArray(value)) {
      parts.push({ kind: 'key', path: keyPath, rules: compileRules(value, keyPath) });
    } else if (isPlainObject(value)) {
      if (scope === 'MessageAttributes') invalid(`Filter policy scope MessageAttributes does not support nested filter policy ("${keyPath.join('.')}")`);
      if (Object.keys(value).length === 0) invalid(`"${keyPath.join('.')}": empty objects are not allowed`);
      parts.push(compileObject(value, keyPath, scope));
    } else {
      invalid(`"${keyPath.join('.')}" must be an object or an array`);
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

function compileRules(values: readonly unknown[], path: readonly string[]): Rule[] {
  const where = `"${path.join('.')}"`;
  if (values.length === 0) invalid(`${where}: empty arrays are not allowed`);
  return values.map((value) => {
    if (isLeaf(value)) return { kind: 'equals', value };
    if (!isPlainObject(value)) invalid(`${where}: match value must be a string, number, true, false, null or an operator object`);
    const entries = Object.entries(value);
    const [entry] = entries;
    if (entries.length !== 1 || !entry) invalid(`${where}: an operator object must have exactly one key`);
    return compileOperator(entry[0], entry[1], where);
  });
}

function compileOperator(operator: string, operand: unknown, where: string): Rule {
  switch (operator) {
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case': {
      if (typeof operand !== 'string') invalid(`${where}: "${operator}" must be followed by a string`);
      if (operator === 'prefix') return { kind: 'prefix', prefix: operand };
      if (operator === 'suffix') return { kind: 'suffix', suffix: operand };
      return { kind: 'equals-ignore-case', value: operand };
    }
    case 'exists':
      if (typeof operand !== 'boolean') invalid(`${where}: "exists" must be followed by true or false`);
      return { kind: 'exists', exists: operand };
    case 'anything-but':
      return compileAnythingBut(operand, where);
    case 'numeric':
      return compileNumeric(operand, where);
    case 'cidr':
      return invalid(`${where}: "cidr" matching is not supported by the local runtime`);
    default:
      invalid(`${where}: unrecognized match type "${operator}"`);
  }
}

function compileAnythingBut(operand: unknown, where: string): Rule {
  if (typeof operand === 'string' || isFiniteNumber(operand)) return { kind: 'anything-but', values: [operand] };
  if (Array.isArray(operand)) {
    const items: unknown[] = operand;
    const strings = items.filter((value) => typeof value === 'string');
    const numbers = items.filter(isFiniteNumber);
    const values = strings.length === items.length ? strings : numbers.length === items.length ? numbers : undefined;
    if (!values || values.length === 0) invalid(`${where}: "anything-but" list must be a non-empty list of strings or of numbers`);
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
  invalid(`${where}: "anything-but" must be followed by a string, a number, a list, or {"prefix"|"suffix": string}`);
}

/** `["numeric", "=", 5]`, or a range: a lower bound (`>`/`>=`) then an upper bound (`<`/`<=`), either alone. */
function compileNumeric(operand: unknown, where: string): Rule {
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) {
    invalid(`${where}: "numeric" must be followed by [operator, number] or [lower operator, number, upper operator, number]`);
  }
  const bounds: { op: NumericOperator; value: number }[] = [];
  for (let i = 0; i < operand.length; i += 2) {
    const op: unknown = operand[i];
    const value: unknown = operand[i + 1];
    if (op !== '=' && op !== '<' && op !== '<=' && op !== '>' && op !== '>=') invalid(`${where}: unrecognized numeric operator ${JSON.stringify(op)}`);
    if (!isFiniteNumber(value)) invalid(`${where}: numeric operator "${op}" must be followed by a number`);
    if (Math.abs(value) > FILTER_POLICY_LIMITS.maxNumeric) invalid(`${where}: numeric value ${value} is outside ±${FILTER_POLICY_LIMITS.maxNumeric}`);
    bounds.push({ op, value });
  }
  const [first, second] = bounds;
  if (second && first) {
    const isLower = first.op === '>' || first.op === '>=';
    const isUpper = second.op === '<' || second.op === '<=';
    if (!isLower || !isUpper) invalid(`${where}: a numeric range is a lower bound (>, >=) followed by an upper bound (<, <=)`);
    if (first.value >= second.value) invalid(`${where}: the lower bound of a numeric range must be below its upper bound`);
  }
  return { kind: 'numeric', bounds };
}

function keyConditions(condition: Condition): Extract<Condition, { kind: 'key' }>[] {
  return condition.kind === 'key' ? [condition] : condition.of.flatMap(keyConditions);
}

/** Values multiply across keys (the guide's rule); the branches of an `$or` add up, as each is an alternative policy. */
function countCombinations(condition: Condition): number {
  switch (condition.kind) {
    case 'key':
      return condition.rules.length;
    case 'all':
      return condition.of.reduce((product, part) => product * countCombinations(part), 1);
    case 'any':
      return condition.of.reduce((sum, part) => sum + countCombinations(part), 0);
  }
}

// ---------------------------------------------------------------- match

/** Looks a key path up in the message: its leaf values, or undefined when the key is absent. */
type Lookup = (path: readonly string[]) => readonly Leaf[] | undefined;

function evaluate(condition: Condition, lookup: Lookup): boolean {
  switch (condition.kind) {
    case 'all':
      return condition.of.every((part) => evaluate(part, lookup));
    case 'any':
      return condition.of.some((part) => evaluate(part, lookup));
    case 'key': {
      const values = lookup(condition.path);
      return condition.rules.some((rule) =>
        rule.kind === 'exists' ? (values !== undefined) === rule.exists : values !== undefined && values.some((value) => ruleMatches(rule, value)),
      );
    }
  }
}

function ruleMatches(rule: Exclude<Rule, { kind: 'exists' }>, value: Leaf): boolean {
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

/**
 * SNS compares String, String.Array and Number attributes and ignores Binary ones
 * (guide, "Filter policy constraints"); a String.Array matches when any element does.
 */
function attributeValues(attribute: SnsMessageAttribute | undefined): readonly Leaf[] | undefined {
  if (!attribute || attribute.DataType.startsWith('Binary')) return undefined;
  const text = attribute.StringValue ?? '';
  if (attribute.DataType === 'String.Array') {
    const parsed = parseJson(text);
    return Array.isArray(parsed) ? parsed.filter(isLeaf) : [text];
  }
  if (attribute.DataType.startsWith('Number')) {
    const number = Number(text);
    return Number.isFinite(number) ? [number] : [];
  }
  return [text];
}

/** The leaves at a path of the body; arrays on the way are flattened, objects are not leaves. */
function bodyValues(body: Record<string, unknown>, path: readonly string[]): readonly Leaf[] | undefined {
  let nodes: unknown[] = [body];
  for (const key of path) {
    nodes = nodes.flatMap((node) => (isPlainObject(node) && key in node ? flatten(node[key]) : []));
  }
  const leaves = nodes.filter(isLeaf);
  return leaves.length > 0 ? leaves : undefined;
}

function flatten(value: unknown): unknown[] {
  return Array.isArray(value) ? value.flatMap(flatten) : [value];
}

// ---------------------------------------------------------------- helpers

function isLeaf(value: unknown): value is Leaf {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || isFiniteNumber(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function invalid(problem: string): never {
  throw new AwsServiceError('InvalidParameter', `Invalid parameter: FilterPolicy: ${problem}`);
}
