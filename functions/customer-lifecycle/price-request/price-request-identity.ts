/**
 * What names a price request outside its own record: the fingerprint that
 * tells a retried POST from a conflicting one, the Step Functions execution
 * name (the same id always gives the same name, so a retry never starts a
 * second workflow), and the ids of its two customer tasks in the customer's
 * partition. Pure.
 */
import { createHash } from 'node:crypto';
import type { PriceRequest } from '../domain/price-request';

/** JSON with object keys sorted at every level, so equal values give equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 of what the request means (key order and a trimmed note's spaces do not change it). */
export function priceRequestFingerprint(request: PriceRequest): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

const EXECUTION_NAME_PREFIX = 'price-';
const MAX_EXECUTION_NAME = 80;
const HASH_SUFFIX_LENGTH = 16;
/** Only these keep CloudWatch logging of the execution possible; an id's dots become underscores. */
const LOGGABLE_NAME_CHAR = /[A-Za-z0-9_-]/;

/**
 * `price-<id>`; an id that needed a character replaced or is too long gets a
 * hash suffix, so that two ids never share a name.
 */
export function priceExecutionName(priceRequestId: string): string {
  const safe = [...priceRequestId].map((c) => (LOGGABLE_NAME_CHAR.test(c) ? c : '_')).join('');
  const plain = `${EXECUTION_NAME_PREFIX}${safe}`;
  if (safe === priceRequestId && plain.length <= MAX_EXECUTION_NAME) return plain;
  const hash = createHash('sha256').update(priceRequestId).digest('hex').slice(0, HASH_SUFFIX_LENGTH);
  const room = MAX_EXECUTION_NAME - EXECUTION_NAME_PREFIX.length - 1 - HASH_SUFFIX_LENGTH;
  return `${EXECUTION_NAME_PREFIX}${safe.slice(0, room)}-${hash}`;
}

export type PriceTask = 'decision' | 'counter';

/** The customer task of a price request: the inside manager's decision, or the field manager's counter-offer. */
export const priceTaskId = (priceRequestId: string, task: PriceTask): string => `price-${task}-${priceRequestId}`;
