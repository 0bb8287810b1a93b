/**
 * How handlers behind API Gateway answer: JSON bodies, and the project's error
 * types mapped to status codes with a message that names the problem. Kept free
 * of middy and the SDK so it is unit-testable on its own.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { ConflictError, DomainError, NotFoundError, ValidationError } from '../domain/errors';

/** A request the caller may not repeat successfully: the thing is gone for good (e.g. a used decision link). */
export class GoneError extends DomainError {}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/** Maps an error to the answer the caller gets; anything unexpected is a 500 that reveals nothing internal. */
export function errorResponse(error: unknown, requestId: string): APIGatewayProxyResult {
  if (error instanceof ValidationError) {
    return json(400, { error: 'ValidationError', message: error.message, problems: error.problems });
  }
  if (error instanceof NotFoundError) return json(404, { error: 'NotFound', message: error.message });
  if (error instanceof ConflictError) return json(409, { error: 'Conflict', message: error.message });
  if (error instanceof GoneError) return json(410, { error: 'Gone', message: error.message });
  return json(500, { error: 'InternalError', message: `internal error; quote request id ${requestId}` });
}

/** Parses a JSON body; anything else is a ValidationError naming the body. */
export function parseJsonBody(body: string | null, isBase64Encoded = false): unknown {
  if (body === null || body === '') throw new ValidationError('request', [{ field: 'body', problem: 'is required' }]);
  const text = isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ValidationError('request', [{ field: 'body', problem: 'is not valid JSON' }]);
  }
}

/** An HTML answer for people (the decision pages): no caching, no scripts, forms only to this origin. */
export function html(statusCode: number, body: string): APIGatewayProxyResult {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // The page is static HTML with one form to its own origin.
      'content-security-policy': "default-src 'none'; form-action 'self'; base-uri 'none'",
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
    },
    body,
  };
}

/** A one-paragraph page, every value escaped. */
export const messagePage = (title: string, text: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Tandem 360</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>\n`;

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
