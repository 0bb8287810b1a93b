import { AwsServiceError, type SnsMessageAttribute } from '../../local/runtime/contracts';
import {
  compileFilterPolicy,
  matchesFilterPolicy,
  parseFilterPolicy,
  type FilterPolicyScope,
} from '../../local/runtime/sns/filter-policy';

const text = (value: string): SnsMessageAttribute => ({ DataType: 'String', StringValue: value });
const number = (value: string): SnsMessageAttribute => ({ DataType: 'Number', StringValue: value });
const list = (values: unknown[]): SnsMessageAttribute => ({ DataType: 'String.Array', StringValue: JSON.stringify(values) });

interface Message {
  readonly body?: string;
  readonly attributes?: Record<string, SnsMessageAttribute>;
}

function passes(policy: Record<string, unknown>, scope: FilterPolicyScope, message: Message): boolean {
  return matchesFilterPolicy(compileFilterPolicy(policy, scope), { body: message.body ?? '', attributes: message.attributes ?? {} });
}

function rejection(compile: () => unknown): AwsServiceError {
  try {
    compile();
  } catch (error) {
    if (error instanceof AwsServiceError) return error;
    throw error;
  }
  throw new Error('the policy was accepted');
}

interface AttributeCase {
  readonly name: string;
  readonly policy: Record<string, unknown>;
  readonly attributes: Record<string, SnsMessageAttribute>;
  readonly passes: boolean;
}

describe('filter policies on message attributes (the default scope)', () => {
  const cases: AttributeCase[] = [
    { name: 'an exact string matches', policy: { kind: ['goose'] }, attributes: { kind: text('goose') }, passes: true },
    { name: 'string matching is case-sensitive', policy: { kind: ['goose'] }, attributes: { kind: text('Goose') }, passes: false },
    { name: 'values of one key are ORed', policy: { kind: ['goose', 'duck'] }, attributes: { kind: text('duck') }, passes: true },
    {
      name: 'keys are ANDed',
      policy: { kind: ['goose'], store: ['Berlin'] },
      attributes: { kind: text('goose'), store: text('Hamburg') },
      passes: false,
    },
    { name: 'a missing attribute fails an exact match', policy: { kind: ['goose'] }, attributes: {}, passes: false },
    { name: 'a number matches a Number attribute numerically', policy: { qty: [10] }, attributes: { qty: number('10.0') }, passes: true },
    { name: 'a number does not match a String attribute', policy: { qty: [10] }, attributes: { qty: text('10') }, passes: false },
    { name: 'a String.Array matches when any element matches', policy: { tags: ['urgent'] }, attributes: { tags: list(['new', 'urgent']) }, passes: true },
    { name: 'a String.Array with numbers matches a number', policy: { ids: [3] }, attributes: { ids: list([1, 3]) }, passes: true },
    { name: 'a String.Array with no matching element fails', policy: { tags: ['urgent'] }, attributes: { tags: list(['new']) }, passes: false },
    { name: 'anything-but a value passes other values', policy: { kind: [{ 'anything-but': 'goose' }] }, attributes: { kind: text('duck') }, passes: true },
    { name: 'anything-but a value refuses that value', policy: { kind: [{ 'anything-but': 'goose' }] }, attributes: { kind: text('goose') }, passes: false },
    {
      name: 'anything-but a list refuses every listed value',
      policy: { kind: [{ 'anything-but': ['goose', 'duck'] }] },
      attributes: { kind: text('duck') },
      passes: false,
    },
    { name: 'anything-but needs the attribute to be present', policy: { kind: [{ 'anything-but': 'goose' }] }, attributes: {}, passes: false },
    { name: 'anything-but numbers passes another number', policy: { qty: [{ 'anything-but': [1, 2] }] }, attributes: { qty: number('3') }, passes: true },
    {
      name: 'anything-but a prefix refuses values with that prefix',
      policy: { id: [{ 'anything-but': { prefix: 'test-' } }] },
      attributes: { id: text('test-17') },
      passes: false,
    },
    {
      name: 'anything-but a suffix passes values without that suffix',
      policy: { email: [{ 'anything-but': { suffix: '@example.com' } }] },
      attributes: { email: text('anna@metro.de') },
      passes: true,
    },
    { name: 'a prefix matches the start of a string', policy: { store: [{ prefix: 'BER-' }] }, attributes: { store: text('BER-01') }, passes: true },
    { name: 'a suffix matches the end of a string', policy: { email: [{ suffix: '@metro.de' }] }, attributes: { email: text('anna@metro.de') }, passes: true },
    { name: 'a prefix does not match numbers', policy: { qty: [{ prefix: '1' }] }, attributes: { qty: number('10') }, passes: false },
    {
      name: 'equals-ignore-case ignores case',
      policy: { role: [{ 'equals-ignore-case': 'INSIDE' }] },
      attributes: { role: text('Inside') },
      passes: true,
    },
    {
      name: 'a numeric range includes an inclusive lower bound',
      policy: { price: [{ numeric: ['>=', 0, '<', 100] }] },
      attributes: { price: number('0') },
      passes: true,
    },
    {
      name: 'a numeric range excludes an exclusive upper bound',
      policy: { price: [{ numeric: ['>=', 0, '<', 100] }] },
      attributes: { price: number('100') },
      passes: false,
    },
    { name: 'numeric = matches an equal number', policy: { price: [{ numeric: ['=', 301.5] }] }, attributes: { price: number('301.5') }, passes: true },
    { name: 'a numeric bound alone works', policy: { kg: [{ numeric: ['>', 10] }] }, attributes: { kg: number('12') }, passes: true },
    { name: 'numeric does not match String attributes', policy: { price: [{ numeric: ['<', 100] }] }, attributes: { price: text('50') }, passes: false },
    { name: 'exists true passes a present attribute', policy: { ref: [{ exists: true }] }, attributes: { ref: text('x') }, passes: true },
    { name: 'exists true fails an absent attribute', policy: { ref: [{ exists: true }] }, attributes: {}, passes: false },
    { name: 'exists false passes an absent attribute', policy: { ref: [{ exists: false }] }, attributes: {}, passes: true },
    { name: 'exists false fails a present attribute', policy: { ref: [{ exists: false }] }, attributes: { ref: text('x') }, passes: false },
    {
      name: 'Binary attributes are ignored',
      policy: { blob: [{ exists: true }] },
      attributes: { blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1]) } },
      passes: false,
    },
    {
      name: '$or passes when one branch matches',
      policy: { source: ['store'], $or: [{ kind: ['goose'] }, { urgent: ['yes'] }] },
      attributes: { source: text('store'), urgent: text('yes') },
      passes: true,
    },
    {
      name: '$or fails when no branch matches',
      policy: { source: ['store'], $or: [{ kind: ['goose'] }, { urgent: ['yes'] }] },
      attributes: { source: text('store'), kind: text('duck') },
      passes: false,
    },
    {
      name: '$or is still ANDed with the other keys',
      policy: { source: ['store'], $or: [{ kind: ['goose'] }, { urgent: ['yes'] }] },
      attributes: { source: text('tandem'), kind: text('goose') },
      passes: false,
    },
    { name: 'an empty policy passes everything', policy: {}, attributes: {}, passes: true },
  ];

  test.each(cases)('$name', ({ policy, attributes, passes: expected }) => {
    expect(passes(policy, 'MessageAttributes', { attributes })).toBe(expected);
  });
});

interface BodyCase {
  readonly name: string;
  readonly policy: Record<string, unknown>;
  readonly body: string;
  readonly passes: boolean;
}

describe('filter policies on the message body', () => {
  const order = JSON.stringify({
    kind: 'special-price',
    kg: 12,
    urgent: true,
    note: null,
    tags: ['tuna', 'weekly'],
    customer: { name: 'Trattoria', city: 'Berlin' },
    items: [{ product: 'goose', qty: 10 }, { product: 'duck' }],
  });
  const cases: BodyCase[] = [
    { name: 'a top-level string matches', policy: { kind: ['special-price'] }, body: order, passes: true },
    { name: 'a nested key matches', policy: { customer: { city: ['Berlin'] } }, body: order, passes: true },
    { name: 'a nested key that differs fails', policy: { customer: { city: ['Hamburg'] } }, body: order, passes: false },
    { name: 'arrays of objects are searched element by element', policy: { items: { product: ['duck'] } }, body: order, passes: true },
    { name: 'an array of strings matches any element', policy: { tags: ['weekly'] }, body: order, passes: true },
    { name: 'true matches a boolean', policy: { urgent: [true] }, body: order, passes: true },
    { name: 'null matches a null value', policy: { note: [null] }, body: order, passes: true },
    { name: 'a numeric range applies to body numbers', policy: { kg: [{ numeric: ['>=', 10, '<=', 12] }] }, body: order, passes: true },
    { name: 'a number does not match a string', policy: { kind: [12] }, body: order, passes: false },
    { name: 'exists is about leaves, not objects', policy: { customer: [{ exists: true }] }, body: order, passes: false },
    { name: 'exists false passes a missing nested key', policy: { customer: { phone: [{ exists: false }] } }, body: order, passes: true },
    {
      name: '$or works inside the body',
      policy: { $or: [{ customer: { city: ['Hamburg'] } }, { items: { qty: [{ numeric: ['>', 5] }] } }] },
      body: order,
      passes: true,
    },
    { name: 'a body that is not JSON never passes', policy: { kind: ['special-price'] }, body: 'special-price', passes: false },
    { name: 'a JSON body that is not an object never passes', policy: { kind: ['x'] }, body: '["x"]', passes: false },
  ];

  test.each(cases)('$name', ({ policy, body, passes: expected }) => {
    expect(passes(policy, 'MessageBody', { body })).toBe(expected);
  });
});

interface InvalidCase {
  readonly name: string;
  readonly json: string;
  readonly scope?: FilterPolicyScope;
  readonly problem: string;
}

const values = (count: number): string[] => Array.from({ length: count }, (_, i) => `v${i}`);

describe('filter policy validation', () => {
  const cases: InvalidCase[] = [
    { name: 'malformed JSON', json: '{"kind": [', problem: 'failed to parse JSON' },
    { name: 'a policy that is not an object', json: '["goose"]', problem: 'must be a JSON object' },
    { name: 'a bare value instead of a list', json: '{"kind": "goose"}', problem: '"kind" must be an object or an array' },
    { name: 'nesting under the attributes scope', json: '{"customer": {"city": ["Berlin"]}}', problem: 'does not support nested' },
    { name: 'an empty list', json: '{"kind": []}', problem: 'empty arrays are not allowed' },
    { name: 'an empty nested object in the body scope', json: '{"customer": {}}', scope: 'MessageBody', problem: 'empty objects are not allowed' },
    { name: 'a list inside a list', json: '{"kind": [["goose"]]}', problem: 'match value must be' },
    { name: 'an unknown operator', json: '{"kind": [{"wildcard": "g*"}]}', problem: 'unrecognized match type "wildcard"' },
    { name: 'two operators in one object', json: '{"kind": [{"prefix": "g", "suffix": "e"}]}', problem: 'exactly one key' },
    { name: 'a prefix that is not a string', json: '{"kind": [{"prefix": 1}]}', problem: '"prefix" must be followed by a string' },
    { name: 'exists without a boolean', json: '{"kind": [{"exists": "yes"}]}', problem: '"exists" must be followed by true or false' },
    { name: 'anything-but mixing strings and numbers', json: '{"kind": [{"anything-but": ["goose", 1]}]}', problem: '"anything-but" list' },
    { name: 'anything-but an empty list', json: '{"kind": [{"anything-but": []}]}', problem: '"anything-but" list' },
    { name: 'an unknown numeric operator', json: '{"kg": [{"numeric": [">>", 1]}]}', problem: 'unrecognized numeric operator' },
    { name: 'a numeric operator without a number', json: '{"kg": [{"numeric": [">", "1"]}]}', problem: 'must be followed by a number' },
    { name: 'a numeric range in the wrong order', json: '{"kg": [{"numeric": ["<", 10, ">", 0]}]}', problem: 'lower bound' },
    { name: 'a numeric range that is empty', json: '{"kg": [{"numeric": [">", 10, "<", 5]}]}', problem: 'below its upper bound' },
    { name: 'a number beyond ±10^9', json: '{"kg": [{"numeric": [">", 2000000000]}]}', problem: 'outside' },
    {
      name: 'an $or whose branches use operator names (then a plain key)',
      json: '{"$or": [{"numeric": 123}, {"prefix": "abc"}]}',
      problem: '"numeric" must be followed by',
    },
    { name: 'an $or with a single branch (then a plain key)', json: '{"$or": [{"kind": ["goose"]}]}', problem: 'unrecognized match type "kind"' },
    { name: 'six keys', json: JSON.stringify({ a: ['1'], b: ['1'], c: ['1'], d: ['1'], e: ['1'], f: ['1'] }), problem: 'more than 5 keys' },
    { name: '151 values on one key', json: JSON.stringify({ a: values(151) }), problem: 'too complex' },
    { name: '6 × 5 × 6 = 180 combinations', json: JSON.stringify({ a: values(6), b: values(5), c: values(6) }), problem: '180 value combinations' },
    {
      name: '$or branches adding up to 10 × (10 + 6) = 160',
      json: JSON.stringify({ a: values(10), $or: [{ b: values(10) }, { c: values(6) }] }),
      problem: '160 value combinations',
    },
    { name: 'a policy over 256 KB', json: JSON.stringify({ a: [`${'x'.repeat(256 * 1024)}`] }), problem: 'exceeds 262144 bytes' },
  ];

  test.each(cases)('rejects $name with InvalidParameter', ({ json, scope, problem }) => {
    const error = rejection(() => parseFilterPolicy(json, scope));
    expect(error.code).toBe('InvalidParameter');
    expect(error.message).toMatch(/^Invalid parameter: FilterPolicy: /);
    expect(error.message).toContain(problem);
  });

  test('accepts exactly 150 combinations, counting $or branches as alternatives', () => {
    expect(() => parseFilterPolicy(JSON.stringify({ a: values(10), $or: [{ b: values(10) }, { c: values(5) }] }))).not.toThrow();
  });

  test('counts only top-level keys of a body policy toward the five', () => {
    const nested = { customer: { a: ['1'], b: ['1'], c: ['1'], d: ['1'], e: ['1'], f: ['1'] } };
    expect(() => compileFilterPolicy(nested, 'MessageBody')).not.toThrow();
  });
});
