/**
 * IAM identity-policy evaluation, as AWS documents it for one principal's
 * policies: an explicit Deny wins, otherwise any Allow allows, otherwise the
 * request is implicitly denied. Supports Action/NotAction and
 * Resource/NotResource with `*` and `?` wildcards, and the condition operators
 * below; anything else (an unknown operator, a policy variable) is an error,
 * never a silent match. Used by the local API Gateway (execute-api:Invoke) and
 * by the least-privilege checks of the template.
 */

export type ConditionValue = string | boolean | number;
export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, ConditionValue | readonly ConditionValue[]>>>>;

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: ConditionBlock;
}

/** The request context: condition keys (e.g. `aws:SecureTransport`), single or multi-valued. */
export type RequestContext = Readonly<Record<string, string | boolean | readonly string[]>>;

export interface AuthorizationRequest {
  /** `service:Action`, e.g. `execute-api:Invoke`. */
  readonly action: string;
  /** The resource's ARN. */
  readonly resource: string;
  readonly context?: RequestContext;
}

export interface AuthorizationDecision {
  readonly allowed: boolean;
  /** The Deny that refused, or the first Allow that allowed; none for an implicit deny. */
  readonly matchedStatement?: PolicyStatement;
  /** One sentence: which statement decided, or that none allowed. */
  readonly reason: string;
}

export class PolicyEvaluationError extends Error {
  constructor(statement: PolicyStatement, problem: string) {
    super(`${statement.Sid ? `statement ${statement.Sid}` : 'a statement'}: ${problem}`);
    this.name = 'PolicyEvaluationError';
  }
}

export function isAllowed(statements: readonly PolicyStatement[], request: AuthorizationRequest): AuthorizationDecision {
  const matching = statements.filter((statement) => applies(statement, request));
  const deny = matching.find((statement) => statement.Effect === 'Deny');
  if (deny) return { allowed: false, matchedStatement: deny, reason: `explicitly denied by ${describe(deny)}` };
  const allow = matching.find((statement) => statement.Effect === 'Allow');
  if (allow) return { allowed: true, matchedStatement: allow, reason: `allowed by ${describe(allow)}` };
  return { allowed: false, reason: `no statement allows ${request.action} on ${request.resource} (implicit deny)` };
}

function describe(statement: PolicyStatement): string {
  return statement.Sid ? `statement ${statement.Sid}` : `the statement ${JSON.stringify(statement)}`;
}

function applies(statement: PolicyStatement, request: AuthorizationRequest): boolean {
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') throw new PolicyEvaluationError(statement, `Effect must be Allow or Deny, got ${JSON.stringify(statement.Effect)}`);
  const actionMatches = elementMatches(statement, 'Action', 'NotAction', (pattern) => wildcardMatch(pattern, request.action, true));
  if (!actionMatches) return false;
  const resourceMatches = elementMatches(statement, 'Resource', 'NotResource', (pattern) => wildcardMatch(pattern, request.resource, false));
  if (!resourceMatches) return false;
  return conditionsHold(statement, request.context ?? {});
}

/** `Action` matches when one pattern does; `NotAction` when none does. Exactly one of the pair must be present. */
function elementMatches(statement: PolicyStatement, name: 'Action' | 'Resource', notName: 'NotAction' | 'NotResource', matches: (pattern: string) => boolean): boolean {
  const positive = statement[name];
  const negative = statement[notName];
  if ((positive === undefined) === (negative === undefined)) throw new PolicyEvaluationError(statement, `needs exactly one of ${name} and ${notName}`);
  const patterns = list(positive ?? negative!);
  for (const pattern of patterns) {
    if (typeof pattern !== 'string') throw new PolicyEvaluationError(statement, `${positive ? name : notName} must hold strings, got ${JSON.stringify(pattern)}`);
    if (pattern.includes('${')) throw new PolicyEvaluationError(statement, `policy variables are not supported: ${pattern}`);
  }
  const any = patterns.some(matches);
  return positive !== undefined ? any : !any;
}

/** `*` matches any run of characters (colons and slashes too), `?` one character. Actions compare case-insensitively. */
export function wildcardMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  return wildcardPattern(pattern, ignoreCase).test(value);
}

/** Compiled patterns: every DynamoDB call of the local cloud is evaluated, and a template has few distinct patterns. */
const compiledPatterns = new Map<string, RegExp>();

function wildcardPattern(pattern: string, ignoreCase: boolean): RegExp {
  const cacheKey = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let compiled = compiledPatterns.get(cacheKey);
  if (!compiled) {
    const source = pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
    compiled = new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
    compiledPatterns.set(cacheKey, compiled);
  }
  return compiled;
}

type Operator = (policyValue: string, contextValue: string) => boolean;

const OPERATORS: Readonly<Record<string, Operator>> = {
  StringEquals: (p, c) => p === c,
  StringNotEquals: (p, c) => p !== c,
  StringEqualsIgnoreCase: (p, c) => p.toLowerCase() === c.toLowerCase(),
  StringLike: (p, c) => wildcardMatch(p, c, false),
  StringNotLike: (p, c) => !wildcardMatch(p, c, false),
  ArnEquals: (p, c) => arnLike(p, c),
  ArnLike: (p, c) => arnLike(p, c),
  ArnNotEquals: (p, c) => !arnLike(p, c),
  ArnNotLike: (p, c) => !arnLike(p, c),
  Bool: (p, c) => p.toLowerCase() === c.toLowerCase(),
};
/** Negated operators hold when every policy value fails to match (AWS: "not equal to any"). */
const NEGATED = new Set(['StringNotEquals', 'StringNotLike', 'ArnNotEquals', 'ArnNotLike']);

/** Every operator holds, and within one, every key (AND); a key holds when one of its values matches (OR). */
function conditionsHold(statement: PolicyStatement, context: RequestContext): boolean {
  const condition = statement.Condition;
  if (condition === undefined) return true;
  const contextKeys = new Map(Object.keys(context).map((key) => [key.toLowerCase(), key]));
  return Object.entries(condition).every(([operatorName, keys]) => {
    const { qualifier, base, ifExists } = parseOperator(statement, operatorName);
    const operator = OPERATORS[base]!;
    return Object.entries(keys).every(([key, raw]) => {
      const policyValues = list(raw).map(String);
      const contextKey = contextKeys.get(key.toLowerCase());
      const present = contextKey === undefined ? undefined : context[contextKey];
      if (present === undefined) {
        // A missing key: ForAllValues holds vacuously, IfExists holds, anything else fails.
        return qualifier === 'ForAllValues' || ifExists;
      }
      const values = (Array.isArray(present) ? present : [present]).map(String);
      const one = (value: string) => (NEGATED.has(base) ? policyValues.every((p) => operator(p, value)) : policyValues.some((p) => operator(p, value)));
      if (qualifier === 'ForAllValues') return values.every(one);
      return values.some(one); // ForAnyValue, and a single-valued key
    });
  });
}

function parseOperator(statement: PolicyStatement, name: string): { qualifier?: 'ForAllValues' | 'ForAnyValue'; base: string; ifExists: boolean } {
  const match = /^(?:(ForAllValues|ForAnyValue):)?(.+?)(IfExists)?$/.exec(name);
  const base = match?.[2] ?? name;
  if (!match || !(base in OPERATORS)) {
    throw new PolicyEvaluationError(statement, `the condition operator ${name} is not supported (known: ${Object.keys(OPERATORS).join(', ')}, with ForAllValues:/ForAnyValue: and IfExists)`);
  }
  const qualifier = match[1] as 'ForAllValues' | 'ForAnyValue' | undefined;
  return { ...(qualifier && { qualifier }), base, ifExists: match[3] !== undefined };
}

/** ARNs compare component by component (`arn:partition:service:region:account:resource`), each with wildcards. */
function arnLike(pattern: string, arn: string): boolean {
  const p = splitArn(pattern);
  const a = splitArn(arn);
  if (!p || !a) return false;
  return p.every((part, i) => wildcardMatch(part, a[i]!, false));
}

function splitArn(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

function list<T>(value: T | readonly T[]): readonly T[] {
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}
