/**
 * SNS subscription filter policies: validation and matching, written from the
 * Amazon SNS Developer Guide ("Amazon SNS message filtering": policy syntax,
 * AND/OR logic, string / numeric / key matching, and "Filter policy constraints").
 *
 * A policy is compiled once (when a subscription gets it) into a small condition
 * tree; publishing only evaluates the tree. The pattern syntax and matching are
 * the ones AWS shares with EventBridge and Lambda event filtering
 * (`../event-pattern.ts`); SNS adds its limits, attribute typing and error shape.
 * Pure: no I/O, no clock.
 */
import { AwsServiceError, type SnsMessageAttribute } from '../contracts';
import {
  compilePattern,
  evaluatePattern,
  EventPatternError,
  isPatternLeaf,
  isPlainObject,
  jsonLeaves,
  keyConditions,
  type PatternCondition,
  type PatternLeaf,
} from '../event-pattern';

export type FilterPolicyScope = 'MessageAttributes' | 'MessageBody';

/**
 * Limits from the guide's "Filter policy constraints" page:
 * at most 5 keys; the "total combination of values" (the product of the number of
 * values in each array) at most 150; a policy of at most 256 KB; numeric values
 * within ±10^9. For payload-based filtering only top-level keys count toward the
 * 5 (the page's "Key counting" section); for attributes every key is top-level.
 */
export const FILTER_POLICY_LIMITS = { maxKeys: 5, maxCombinations: 150, maxBytes: 256 * 1024, maxNumeric: 1e9 } as const;

export interface CompiledFilterPolicy {
  readonly scope: FilterPolicyScope;
  /** The policy as given, for GetSubscriptionAttributes. */
  readonly policy: Readonly<Record<string, unknown>>;
  readonly condition: PatternCondition;
}

export interface FilterableMessage {
  /** The message text as delivered to the subscription's protocol. */
  readonly body: string;
  readonly attributes: Readonly<Record<string, SnsMessageAttribute>>;
}

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
  let condition: PatternCondition;
  try {
    condition = compilePattern(policy, scope === 'MessageAttributes' ? { refuseNesting: nestedAttributePolicy } : {});
  } catch (error) {
    if (error instanceof EventPatternError) invalid(error.message);
    throw error;
  }
  checkNumericBounds(condition);
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
    return evaluatePattern(compiled.condition, (path) => attributeValues(message.attributes[path[0] ?? '']));
  }
  let body: unknown;
  try {
    body = JSON.parse(message.body);
  } catch {
    return false;
  }
  if (!isPlainObject(body)) return false;
  return evaluatePattern(compiled.condition, (path) => jsonLeaves(body, path));
}

// ---------------------------------------------------------------- SNS limits

function nestedAttributePolicy(keyPath: string): string {
  return `Filter policy scope MessageAttributes does not support nested filter policy ("${keyPath}")`;
}

/** SNS bounds numeric match values to ±10^9 (guide, "Filter policy constraints"). */
function checkNumericBounds(condition: PatternCondition): void {
  for (const key of keyConditions(condition)) {
    for (const rule of key.rules) {
      if (rule.kind !== 'numeric') continue;
      const outside = rule.bounds.find((bound) => Math.abs(bound.value) > FILTER_POLICY_LIMITS.maxNumeric);
      if (outside) invalid(`"${key.path.join('.')}": numeric value ${outside.value} is outside ±${FILTER_POLICY_LIMITS.maxNumeric}`);
    }
  }
}

/** Values multiply across keys (the guide's rule); the branches of an `$or` add up, as each is an alternative policy. */
function countCombinations(condition: PatternCondition): number {
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

/**
 * SNS compares String, String.Array and Number attributes and ignores Binary ones
 * (guide, "Filter policy constraints"); a String.Array matches when any element does.
 */
function attributeValues(attribute: SnsMessageAttribute | undefined): readonly PatternLeaf[] | undefined {
  if (!attribute || attribute.DataType.startsWith('Binary')) return undefined;
  const text = attribute.StringValue ?? '';
  if (attribute.DataType === 'String.Array') {
    const parsed = parseJson(text);
    return Array.isArray(parsed) ? parsed.filter(isPatternLeaf) : [text];
  }
  if (attribute.DataType.startsWith('Number')) {
    const number = Number(text);
    return Number.isFinite(number) ? [number] : [];
  }
  return [text];
}

// ---------------------------------------------------------------- helpers

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
