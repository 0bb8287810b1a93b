/**
 * Malformed JSON bodies from a route's published schema (the JSON Schema zod
 * writes for docs/openapi.json) and one valid example: each payload breaks
 * the contract in one known place, so the answer must name that place.
 * Used by the bad-input proof (test/integration/proof-bad-input.test.ts).
 *
 * What is generated: wrong types, missing required fields, unknown fields
 * where the schema is strict, numbers out of range or not whole, strings too
 * short, too long (up to huge), breaking their pattern or enum, impossible
 * dates, lists too short or too long, unknown fields in any object — each at
 * one place of the example —
 * plus bodies that are no JSON, empty, or not an object, and arbitrary JSON.
 */
import fc from 'fast-check';
import { z } from 'zod';

export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly oneOf?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[];
}

/** One generated body, with why it is invalid and what the answer must name. */
export interface MalformedBody {
  readonly body: string;
  readonly contentType: string;
  /** Why it is invalid, e.g. `lines.0.quantity: above the maximum 10000`. */
  readonly reason: string;
  /** The answer's message must contain one of these (e.g. `lines.0.quantity:`). */
  readonly names: readonly string[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = readonly (string | number)[];

/** The schema as the request is written (before zod's transforms), as docs/openapi.json publishes it. */
export function inputSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }) as JsonSchema;
}

/** How ValidationError messages name a field: `lines.0.quantity: …`, the body itself as `(record): …`. */
export const fieldName = (path: Path): string => `${path.length === 0 ? '(record)' : path.join('.')}:`;

interface Site {
  readonly path: Path;
  readonly schema: JsonSchema;
  readonly value: Json;
  /** The parent object requires it (so leaving it out is invalid). */
  readonly required: boolean;
}

/** Every place of the example with the schema that governs it; unions resolve to the branch the example takes. */
function sitesOf(schema: JsonSchema, value: Json, path: Path = [], required = true): Site[] {
  const resolved = branchOf(schema, value);
  const here: Site = { path, schema: resolved, value, required };
  if (isObject(value) && resolved.properties) {
    const children = Object.entries(value).flatMap(([key, child]) => {
      const childSchema = resolved.properties?.[key];
      return childSchema ? sitesOf(childSchema, child, [...path, key], resolved.required?.includes(key) ?? false) : [];
    });
    return [here, ...children];
  }
  if (Array.isArray(value) && resolved.items) {
    const items = resolved.items;
    // An item left out only shortens the list: that is the list's rule (minItems), not the item's.
    return [here, ...value.flatMap((child, index) => sitesOf(items, child, [...path, index], false))];
  }
  return [here];
}

function branchOf(schema: JsonSchema, value: Json): JsonSchema {
  // Beside properties, a oneOf only adds a rule (e.g. "customerId or prospect"); alone, it lists alternatives.
  const branches = schema.properties ? undefined : (schema.oneOf ?? schema.anyOf);
  if (!branches) return schema;
  const matching = branches.find((branch) =>
    Object.entries(branch.properties ?? {}).every(([key, property]) => property.const === undefined || (isObject(value) && value[key] === property.const)),
  );
  return branchOf(matching ?? branches[0] ?? {}, value);
}

const isObject = (value: unknown): value is { [key: string]: Json } => typeof value === 'object' && value !== null && !Array.isArray(value);
const typesOf = (schema: JsonSchema): string[] => {
  if (schema.type) return typeof schema.type === 'string' ? [schema.type] : [...schema.type];
  if (schema.const !== undefined) return [typeof schema.const];
  if (schema.enum) return [...new Set(schema.enum.map((v) => typeof v))];
  return [];
};

/** A copy of `root` with the value at `path` replaced (or removed, for `undefined`). */
export function withValueAt(root: Json, path: Path, replacement: Json | undefined): Json {
  if (path.length === 0) return replacement ?? null;
  const [head, ...rest] = path;
  if (Array.isArray(root) && typeof head === 'number') {
    const copy = [...root];
    if (rest.length > 0) copy[head] = withValueAt(copy[head] ?? null, rest, replacement);
    else if (replacement === undefined) copy.splice(head, 1);
    else copy[head] = replacement;
    return copy;
  }
  if (isObject(root) && typeof head === 'string') {
    const copy: { [key: string]: Json } = { ...root };
    if (rest.length > 0) copy[head] = withValueAt(copy[head] ?? null, rest, replacement);
    else if (replacement === undefined) delete copy[head];
    else copy[head] = replacement;
    return copy;
  }
  throw new Error(`no place ${path.join('.')} in the example`);
}

// ---------------------------------------------------------------- values that break one rule

const VALUES_OF_TYPE: Readonly<Record<string, fc.Arbitrary<Json>>> = {
  string: fc.oneof(fc.constantFrom('', 'x', '42', 'true', 'null'), fc.string({ maxLength: 20 })),
  number: fc.oneof(fc.constantFrom(0, -1, 1.5, 1e21), fc.double({ noNaN: true, noDefaultInfinity: true })),
  integer: fc.oneof(fc.constantFrom(0, -1, 7), fc.integer()),
  boolean: fc.boolean(),
  null: fc.constant(null),
  array: fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxLength: 3 }).map((items): Json => items),
  object: fc.oneof(fc.constant({}), fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.integer(), { maxKeys: 2 })),
};

/** A value of another JSON type than the schema allows (numbers count as both number and integer). */
function wrongType(schema: JsonSchema): fc.Arbitrary<Json> | undefined {
  const allowed = new Set(typesOf(schema));
  if (allowed.size === 0) return undefined;
  if (allowed.has('number')) allowed.add('integer');
  if (allowed.has('integer')) allowed.add('number');
  const others = Object.entries(VALUES_OF_TYPE).filter(([type]) => !allowed.has(type)).map(([, arbitrary]) => arbitrary);
  return others.length > 0 ? fc.oneof(...others) : undefined;
}

/** Strings a person or an attacker might send in an id: injections, paths, other scripts, look-alike digits. */
export const NASTY_STRINGS: readonly string[] = [
  ' ',
  '../../etc/passwd',
  "' OR '1'='1",
  '<script>alert(1)</script>',
  '${jndi:ldap://x/a}',
  '%00',
  '\u0000',
  'null',
  'undefined',
  '😀',
  'C00047５',
  'ÄÖÜß',
  'a b',
  'line\nbreak',
  '\u202Eevil',
  '{{7*7}}',
  'S001; DROP TABLE',
];

/** Strings the pattern refuses, also once trimmed (zod trims some fields first): near misses of the valid value and anything else. */
function patternBreakers(pattern: string, valid: string): fc.Arbitrary<string> {
  const re = new RegExp(pattern);
  const nearMiss = fc
    .tuple(fc.nat({ max: valid.length }), fc.constantFrom(' x', '#', 'é', '/', '..', '_', '0', 'Z', 'a', '-', '+', '😀', '\t'), fc.boolean())
    .map(([at, insert, replace]) => valid.slice(0, at) + insert + valid.slice(replace ? at + 1 : at));
  const any = fc.oneof(fc.constantFrom(...NASTY_STRINGS), fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }));
  return fc.oneof(nearMiss, any).filter((s) => !re.test(s) && !re.test(s.trim()));
}

/** Date-times that are no ISO 8601 date-time with offset, or no real instant. */
const BAD_DATE_TIMES = [
  '2026-02-30T10:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-11-27T25:00:00Z',
  '2026-11-27T10:61:00Z',
  '2026-11-27',
  '2026-11-27T10:00:00',
  '27.11.2026 10:00',
  'tomorrow',
  '2026-11-27T10:00:00+25:00',
  '+002026-11-27T10:00:00Z',
  '2026-11-27 10:00:00Z',
  '1764237600',
];
/** Calendar days that cannot exist, in the right shape (YYYY-MM-DD). */
const IMPOSSIBLE_DAYS = ['2026-02-30', '2026-13-01', '2026-00-10', '2026-12-00', '2026-04-31', '2027-02-29', '2026-12-32'];
const DAY_PATTERN = String.raw`^\d{4}-\d{2}-\d{2}$`;

interface Mutation {
  readonly reason: string;
  readonly value: Json | undefined;
  /** Default: the site's field name. */
  readonly names?: readonly string[];
}

function mutationsAt(site: Site): fc.Arbitrary<Mutation>[] {
  const { schema, path } = site;
  const where = path.length === 0 ? 'the body' : path.join('.');
  const out: fc.Arbitrary<Mutation>[] = [];
  const wrong = wrongType(schema);
  if (wrong) out.push(wrong.map((value) => ({ reason: `${where}: wrong type ${JSON.stringify(value)?.slice(0, 40)}`, value })));
  if (path.length > 0 && site.required) out.push(fc.constant({ reason: `${where}: missing`, value: undefined }));
  const types = typesOf(schema);

  if (types.includes('string') && typeof site.value === 'string') {
    const valid = site.value;
    if (schema.const !== undefined || schema.enum) {
      const allowed = new Set(schema.const !== undefined ? [schema.const] : schema.enum);
      out.push(
        fc
          .oneof(fc.constantFrom(valid.toUpperCase(), `${valid} `.repeat(2), '', 'other'), fc.string({ maxLength: 12 }))
          .filter((s) => !allowed.has(s) && !allowed.has(s.trim()))
          .map((value) => ({ reason: `${where}: not one of ${[...allowed].join('|')}`, value })),
      );
    }
    if (schema.maxLength !== undefined) {
      const max = schema.maxLength;
      out.push(
        fc
          .oneof({ arbitrary: fc.integer({ min: 1, max: 20 }), weight: 4 }, { arbitrary: fc.integer({ min: 1_000, max: 100_000 }), weight: 1 })
          .map((extra) => ({ reason: `${where}: ${max + extra} characters, more than ${max}`, value: 'x'.repeat(max + extra) })),
      );
    }
    if (schema.minLength !== undefined && schema.minLength > 0) {
      out.push(fc.constant({ reason: `${where}: shorter than ${schema.minLength}`, value: 'x'.repeat(schema.minLength - 1) }));
    }
    if (schema.pattern !== undefined) {
      const pattern = schema.pattern;
      out.push(patternBreakers(pattern, valid).map((value) => ({ reason: `${where}: ${JSON.stringify(value).slice(0, 40)} breaks /${pattern.slice(0, 40)}/`, value })));
    }
    if (schema.format === 'date-time') {
      out.push(fc.constantFrom(...BAD_DATE_TIMES).map((value) => ({ reason: `${where}: ${value} is no date-time`, value })));
    }
    if (schema.pattern === DAY_PATTERN) {
      out.push(fc.constantFrom(...IMPOSSIBLE_DAYS).map((value) => ({ reason: `${where}: ${value} is no calendar day`, value })));
    }
  }

  if ((types.includes('number') || types.includes('integer')) && typeof site.value === 'number') {
    const low = schema.exclusiveMinimum ?? (schema.minimum !== undefined ? schema.minimum - 1 : undefined);
    const high = schema.exclusiveMaximum ?? (schema.maximum !== undefined ? schema.maximum + 1 : undefined);
    if (low !== undefined) out.push(fc.constantFrom(low, low - 0.5, low - 1000, -1e308).map((value) => ({ reason: `${where}: ${value} is below the minimum`, value })));
    if (high !== undefined) out.push(fc.constantFrom(high, high + 0.5, high * 10 + 1, 1e308).map((value) => ({ reason: `${where}: ${value} is above the maximum`, value })));
    if (types.includes('integer') && !types.includes('number')) {
      out.push(fc.constantFrom(1.5, 2.25, 0.1).map((value) => ({ reason: `${where}: ${value} is not whole`, value })));
    }
  }

  // Every object of a request is strict (a misspelt field must not be dropped silently), also where the schema forgot to say so.
  if (isObject(site.value) && schema.properties) {
    const known = new Set(Object.keys(schema.properties ?? {}));
    const value = site.value;
    out.push(
      fc
        .tuple(fc.stringMatching(/^[A-Za-z_$][A-Za-z0-9_$-]{0,15}$/), fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.constant(null)))
        .filter(([key]) => !known.has(key))
        .map(([key, extra]) => ({ reason: `${where}: unknown field ${key}`, value: { ...value, [key]: extra }, names: [`unknown field "${key}"`] })),
    );
  }

  if (Array.isArray(site.value)) {
    const list = site.value;
    if (schema.minItems !== undefined && schema.minItems > 0) {
      out.push(fc.constant({ reason: `${where}: fewer than ${schema.minItems} items`, value: list.slice(0, schema.minItems - 1) }));
    }
    if (schema.maxItems !== undefined && list.length > 0) {
      const count = schema.maxItems + 1;
      out.push(fc.constant({ reason: `${where}: ${count} items, more than ${schema.maxItems}`, value: Array.from({ length: count }, (_, i) => list[i % list.length] ?? null) }));
    }
  }
  return out;
}

export interface MalformedBodyOptions {
  /** The handler's own parser: arbitrary JSON it would accept is not sent (it would not be malformed). */
  readonly accepts: (value: unknown) => boolean;
  /** A route that also reads form fields (the decision link) names these for a form body it cannot use. */
  readonly formNames?: readonly string[];
}

/** Handlers refuse bodies above 16 KB (some above 64 KB) before parsing them, naming `body`. */
const SMALLEST_BODY_LIMIT = 16 * 1024;

/** One malformed body: the example broken at one place, or a body that is no valid JSON object at all. */
export function malformedBodies(schema: JsonSchema, example: unknown, options: MalformedBodyOptions): fc.Arbitrary<MalformedBody> {
  const valid = JSON.parse(JSON.stringify(example)) as Json;
  const json = 'application/json';
  const atOnePlace = sitesOf(schema, valid).flatMap((site) =>
    mutationsAt(site).map((mutation) =>
      mutation.map((m): MalformedBody => {
        const body = JSON.stringify(withValueAt(valid, site.path, m.value));
        const names = m.names ?? [fieldName(site.path)];
        return { body, contentType: json, reason: m.reason, names: body.length > SMALLEST_BODY_LIMIT ? [...names, 'body:'] : names };
      }),
    ),
  );
  const text = JSON.stringify(valid);
  const notJson = fc
    .oneof(
      fc.nat({ max: Math.max(0, text.length - 1) }).map((cut) => ({ body: text.slice(0, cut), why: 'truncated' })),
      fc.constantFrom(
        { body: text.replace(/}$/, ',}'), why: 'trailing comma' },
        { body: text.replaceAll('"', "'"), why: 'single quotes' },
        { body: `\uFEFF${text}`, why: 'byte order mark' },
        { body: `${text}${text}`, why: 'two documents' },
        { body: `// comment\n${text}`, why: 'a comment' },
        { body: '{"a": NaN}', why: 'NaN' },
        { body: '<request><id>1</id></request>', why: 'XML' },
        { body: 'undefined', why: 'undefined' },
      ),
    )
    .map(({ body, why }): MalformedBody => (body === '' ? emptyBody : { body, contentType: json, reason: `body: not JSON (${why})`, names: ['body:'] }));
  const emptyBody: MalformedBody = { body: '', contentType: json, reason: 'body: empty', names: ['body:'] };
  const wrongContent = fc
    .constantFrom(
      { body: 'requestId=abc&quantity=1', contentType: 'application/x-www-form-urlencoded' },
      { body: '<?xml version="1.0"?><a/>', contentType: 'application/xml' },
      { body: 'hello', contentType: 'text/plain' },
    )
    .map((c): MalformedBody => ({
      ...c,
      reason: `body: ${c.contentType} instead of JSON`,
      names: c.contentType === 'application/x-www-form-urlencoded' && options.formNames ? options.formNames : ['body:'],
    }));
  const notAnObject = fc
    .oneof(fc.constant<Json>([valid]), fc.constant<Json>(text), fc.constant<Json>(null), fc.integer(), fc.boolean(), fc.array(fc.jsonValue().map((v) => v as Json), { maxLength: 3 }))
    .map((value): MalformedBody => ({ body: JSON.stringify(value), contentType: json, reason: `body: ${JSON.stringify(value).slice(0, 30)} is no object`, names: [fieldName([])] }));
  const properties = Object.keys(branchOf(schema, valid).properties ?? {});
  const arbitraryObject = fc
    .dictionary(fc.oneof(fc.constantFrom(...properties), fc.string({ maxLength: 8 })), fc.jsonValue().map((v) => v as Json), { maxKeys: 5 })
    .filter((value) => !options.accepts(value))
    .map((value): MalformedBody => ({
      body: JSON.stringify(value),
      contentType: json,
      reason: `arbitrary JSON object ${JSON.stringify(value).slice(0, 40)}`,
      // Some field of the schema is missing or wrong, or a key is unknown: whichever, it is named.
      names: [fieldName([]), ...properties.map((p) => `${p}:`), 'unknown field'],
    }));
  return fc.oneof(
    { arbitrary: fc.oneof(...atOnePlace), weight: 12 },
    { arbitrary: notJson, weight: 1 },
    { arbitrary: fc.constant(emptyBody), weight: 1 },
    { arbitrary: wrongContent, weight: 1 },
    { arbitrary: notAnObject, weight: 1 },
    { arbitrary: arbitraryObject, weight: 2 },
  );
}
