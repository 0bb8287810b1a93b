/** Pages of a list API: `maxResults` and an opaque `nextToken` bound to the list it came from. */
import { AwsServiceError } from '../contracts';

export interface PageRequest {
  readonly maxResults?: number;
  readonly nextToken?: string;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

/** `listKey` names the list (operation and its arguments), so a token from one list is refused by another. */
export function pageOf<T>(all: readonly T[], listKey: string, request: PageRequest): Page<T> {
  const size = request.maxResults === undefined || request.maxResults === 0 ? DEFAULT_PAGE_SIZE : request.maxResults;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw new AwsServiceError('ValidationException', `1 validation error detected: Value '${size}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${MAX_PAGE_SIZE}`);
  }
  const offset = request.nextToken === undefined ? 0 : offsetFromToken(request.nextToken, listKey);
  const items = all.slice(offset, offset + size);
  const next = offset + size;
  return next < all.length ? { items, nextToken: tokenFor(next, listKey) } : { items };
}

function tokenFor(offset: number, listKey: string): string {
  return Buffer.from(JSON.stringify({ listKey, offset })).toString('base64url');
}

function offsetFromToken(token: string, listKey: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { listKey?: unknown; offset?: unknown };
    if (parsed.listKey === listKey && typeof parsed.offset === 'number' && Number.isInteger(parsed.offset) && parsed.offset >= 0) return parsed.offset;
  } catch {
    // falls through to the error below
  }
  throw new AwsServiceError('InvalidToken', `Invalid Token: '${token}'`);
}
