/**
 * The console's reads and the one write it makes: the answer to a decision,
 * posted to the product's own decision route. Every failure becomes an
 * ApiError with a sentence for a person (the server's `message`, or what went
 * wrong on the way), never a blank page.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const root = document.getElementById('console');
/** `/_local/console/api/`, from the page the server rendered. */
export const API_PREFIX = root?.dataset.api ?? '/_local/console/api/';

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return readJson<T>(await request(`${API_PREFIX}${path}`, { ...(signal && { signal }) }));
}

/** POST /<stage>/tasks/{ref}/decision with a JSON answer: the same route the SMS link's page posts to. */
export async function postDecision(decisionPath: string, answer: Record<string, unknown>): Promise<Record<string, unknown>> {
  return readJson(await request(decisionPath, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(answer) }));
}

async function request(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'The local runtime does not answer: is npm start still running?');
  }
}

async function readJson<T>(response: Response): Promise<T> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(response.status, `The server answered ${response.status} without JSON: ${text.slice(0, 200) || '(empty)'}`);
  }
  if (!response.ok) {
    const message = typeof (body as { message?: unknown }).message === 'string' ? (body as { message: string }).message : text.slice(0, 300);
    throw new ApiError(response.status, message);
  }
  return body as T;
}
