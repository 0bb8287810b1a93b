/**
 * What makes a POST idempotent across the API: the fingerprint that tells a
 * retry (same id, same body → the same answer) from a conflict (same id,
 * another body → 409), and the Step Functions execution name derived from
 * the caller's id (names are unique per state machine for 90 days, so a
 * retried start never runs a second workflow). Pure.
 */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level and undefined left out, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 hex of the value's canonical JSON: key order does not change it. */
export function fingerprintOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/** Step Functions allows 80 characters. */
const MAX_EXECUTION_NAME = 80;
const HASH_SUFFIX_LENGTH = 16;
/** Stricter than Step Functions requires: only these keep CloudWatch logging of the execution possible. */
const LOGGABLE_NAME_CHAR = /[A-Za-z0-9_-]/;

/**
 * `<prefix><id><suffix>`: the same id always gives the same name. An id that
 * needed a character replaced or is too long gets a hash of the id, so that
 * two ids never share a name.
 */
export function executionName(prefix: string, id: string, suffix = ''): string {
  const safe = [...id].map((c) => (LOGGABLE_NAME_CHAR.test(c) ? c : '_')).join('');
  const plain = `${prefix}${safe}${suffix}`;
  if (safe === id && plain.length <= MAX_EXECUTION_NAME) return plain;
  const hash = createHash('sha256').update(id).digest('hex').slice(0, HASH_SUFFIX_LENGTH);
  const room = MAX_EXECUTION_NAME - prefix.length - suffix.length - 1 - HASH_SUFFIX_LENGTH;
  return `${prefix}${safe.slice(0, room)}-${hash}${suffix}`;
}
