/**
 * Route: which tandem answers a request. A known customer brings its
 * territory; an unknown one is routed by postcode and recorded as a prospect
 * of that territory. The result carries person ids, never names or numbers:
 * it travels through the workflow's state, which must hold no personal data.
 */
import { createHash } from 'node:crypto';
import { ConflictError, DomainError, NotFoundError } from '../../domain/errors';
import { tandemSchema, type Customer, type Tandem } from '../../domain/model';
import type { CustomerRepository, TerritoryDirectory } from '../../domain/ports';

export interface RoutedRequest {
  readonly customerId: string;
  readonly territoryId: string;
  readonly homeStoreId: string;
  readonly fieldManagerId: string;
  readonly insideManagerId: string;
  /** True when this request recorded the customer as a new prospect. */
  readonly prospectRecorded: boolean;
}

/** The territory has no complete tandem: an explicit outcome the workflow records, not a crash. */
export class TandemIncompleteError extends DomainError {
  constructor(readonly territoryId: string) {
    super(`territory ${territoryId} has no complete tandem (field and inside manager with a channel each)`);
  }
}

export interface RoutingInput {
  readonly customerId?: string | undefined;
  readonly prospect?: { readonly name: string; readonly postcode: string; readonly city?: string | undefined } | undefined;
}

export interface RoutingDependencies {
  readonly customers: Pick<CustomerRepository, 'getCustomer'> & { createCustomer(customer: Customer): Promise<void> };
  readonly territories: Pick<TerritoryDirectory, 'territoryForPostcode' | 'getTandem' | 'getTerritory'>;
  readonly today: () => string;
}

/** Prospect ids live in C900000–C999999, derived from name and postcode, so a retried request finds the same one. */
const PROSPECT_ID_BASE = 900_000;
const PROSPECT_ID_RANGE = 100_000;
const MAX_PROBES = 20;

export async function routeRequest(input: RoutingInput, deps: RoutingDependencies): Promise<RoutedRequest> {
  return (await routeWithParties(input, deps)).routed;
}

/** The route with the customer and tandem it was found from, for a caller that goes on to write to them (never into state). */
export async function routeWithParties(input: RoutingInput, deps: RoutingDependencies): Promise<{ routed: RoutedRequest; customer: Customer; tandem: Tandem }> {
  let customer: Customer | undefined;
  let prospectRecorded = false;
  if (input.customerId) {
    customer = await deps.customers.getCustomer(input.customerId);
    if (!customer) throw new NotFoundError('customer', input.customerId);
  } else if (input.prospect) {
    ({ customer, recorded: prospectRecorded } = await findOrRecordProspect(input.prospect, deps));
  } else {
    throw new NotFoundError('customer', '(neither customerId nor prospect given)');
  }

  const tandem = await deps.territories.getTandem(customer.territoryId);
  if (!tandem || !isComplete(tandem)) throw new TandemIncompleteError(customer.territoryId);
  const routed: RoutedRequest = {
    customerId: customer.customerId,
    territoryId: customer.territoryId,
    homeStoreId: customer.homeStoreId,
    fieldManagerId: tandem.fieldManager.personId,
    insideManagerId: tandem.insideManager.personId,
    prospectRecorded,
  };
  return { routed, customer, tandem };
}

export function isComplete(tandem: Tandem): boolean {
  return tandemSchema.safeParse(tandem).success && tandem.fieldManager.personId !== tandem.insideManager.personId;
}

async function findOrRecordProspect(
  prospect: NonNullable<RoutingInput['prospect']>,
  deps: RoutingDependencies,
): Promise<{ customer: Customer; recorded: boolean }> {
  const territory = await deps.territories.territoryForPostcode(prospect.postcode);
  if (!territory) throw new NotFoundError('territory for postcode', prospect.postcode);
  const candidate = (customerId: string): Customer => ({
    customerId,
    name: prospect.name,
    address: { street: '(unknown)', postcode: prospect.postcode, city: prospect.city ?? territory.name.replace(/\s+\d+$/, '') },
    territoryId: territory.territoryId,
    lifecycle: 'prospect',
    owner: 'field',
    wonOn: deps.today(),
    homeStoreId: territory.homeStoreId,
  });
  // Linear probing from the hashed slot: the same prospect always lands on the same id.
  const start = prospectSlot(prospect.name, prospect.postcode);
  for (let probe = 0; probe < MAX_PROBES; probe++) {
    const customerId = `C${PROSPECT_ID_BASE + ((start + probe) % PROSPECT_ID_RANGE)}`;
    const existing = await deps.customers.getCustomer(customerId);
    if (existing) {
      if (sameProspect(existing, prospect)) return { customer: existing, recorded: false };
      continue;
    }
    try {
      const customer = candidate(customerId);
      await deps.customers.createCustomer(customer);
      return { customer, recorded: true };
    } catch (error) {
      // Another request recorded this id a moment ago; it may be the same prospect.
      if (!(error instanceof ConflictError)) throw error;
      probe--;
    }
  }
  throw new ConflictError(`no free prospect id for ${prospect.postcode} after ${MAX_PROBES} tries`);
}

function prospectSlot(name: string, postcode: string): number {
  const digest = createHash('sha256').update(`${normalise(name)}|${postcode}`).digest();
  return digest.readUInt32BE(0) % PROSPECT_ID_RANGE;
}

function sameProspect(customer: Customer, prospect: NonNullable<RoutingInput['prospect']>): boolean {
  return normalise(customer.name) === normalise(prospect.name) && customer.address.postcode === prospect.postcode;
}

const normalise = (text: string): string => text.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
