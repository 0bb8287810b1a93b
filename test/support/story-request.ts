import type { CustomerRequestRecord } from '../../functions/domain/model';
import { generateSeed, STORY_CUSTOMER_ID } from '../../functions/seed/generate';
import { STORY_SKUS } from '../../functions/seed/products';

const storyTerritoryId = generateSeed().customers.find((c) => c.customerId === STORY_CUSTOMER_ID)!.territoryId;

/** The story's request (10 geese for tomorrow) as a stored record, received at `createdAt`. */
export function storyRequest(requestId: string, createdAt = '2026-11-27T08:00:00Z'): CustomerRequestRecord {
  return {
    requestId,
    customerId: STORY_CUSTOMER_ID,
    territoryId: storyTerritoryId,
    status: 'RECEIVED',
    lines: [{ sku: STORY_SKUS.goose, quantity: 10, unit: 'piece' }],
    neededBy: '2026-11-28T08:00:00+01:00',
    fulfilment: 'pickup',
    createdAt,
    updatedAt: createdAt,
  };
}
