/**
 * What the customer lifecycle tests share on top of the customer-request
 * world: signed calls of the IAM routes, and a customer's lifecycle as
 * `GET /customers/{id}` shows it.
 */
import { eventually } from './eventually';
import { signedFetch } from './signed-fetch';
import type { World } from './customer-request-world';

export interface CustomerView {
  customer: { customerId: string; territoryId: string; lifecycle: string; owner: string; homeStoreId: string };
  owner: { role: string; territoryId: string; personId?: string; name?: string };
  status: string;
  prices: { sku: string; price: number; validFrom: string; validUntil: string; valid: boolean }[];
  priceRequests: Record<string, unknown>[];
  followUps: Record<string, unknown>[];
  tasks: { taskId: string; kind: string; holderId: string; role: string; phase: string; status: string }[];
  notifications: { kind: string; personId: string; channel: string; status: string }[];
  timeline: { step: string; at: string; caseId?: string; detail: Record<string, unknown> }[];
}

/** The decision reference in the newest SMS or email to a person (some people have email only). */
export function latestTaskRef(world: World, person: { mobile: string; email: string }): string | undefined {
  const records = world.product.cloud.sns.outbox().filter((r) => r.endpoint === person.mobile || r.endpoint === person.email);
  for (const record of [...records].reverse()) {
    const match = /\/tasks\/([A-Za-z0-9_-]{22})/.exec(record.body);
    if (match) return match[1];
  }
  return undefined;
}

/** A signed request to an IAM route of the store API, with a JSON body; the answer's status and JSON body. */
export async function callApi(world: World, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await signedFetch(new URL(`${world.product.storeApiUrl}${path}`), {
    method,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export async function getCustomer(world: World, customerId: string): Promise<{ status: number; view: CustomerView }> {
  const { status, body } = await callApi(world, 'GET', `/customers/${customerId}`);
  return { status, view: body as unknown as CustomerView };
}

/** Waits until the customer's view satisfies `ready`; on timeout says what it last showed. */
export async function awaitCustomer(world: World, customerId: string, ready: (view: CustomerView) => boolean, timeoutMs = 60_000): Promise<CustomerView> {
  let last: CustomerView | undefined;
  try {
    return await eventually(
      async () => {
        const { status, view } = await getCustomer(world, customerId);
        if (status === 200) last = view;
        return status === 200 && ready(view) ? view : undefined;
      },
      { timeoutMs, intervalMs: 100 },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}\ncustomer ${customerId}: ${JSON.stringify(last?.customer)}\ntasks: ${JSON.stringify(last?.tasks)}\ntimeline: ${last?.timeline.map((e) => e.step).join(' → ')}`, { cause: error });
  }
}
