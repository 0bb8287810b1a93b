import { ConflictError, NotFoundError } from '../../../functions/domain/errors';
import type { Customer, Tandem, Territory } from '../../../functions/domain/model';
import { routeRequest, TandemIncompleteError, type RoutingDependencies } from '../../../functions/customer-request/domain/routing';
import { generateSeed, STORY_CUSTOMER_ID } from '../../../functions/seed/generate';
import { findTerritoryForPostcode, toRoutedRanges } from '../../../functions/domain/postcode-routing';

const seed = generateSeed();
const ranges = toRoutedRanges(seed.territories);

/** The directory and customers in memory, behaving like the DynamoDB repositories (create is conditional). */
function memory(overrides: { tandems?: Tandem[] } = {}) {
  const customers = new Map<string, Customer>(seed.customers.map((c) => [c.customerId, c]));
  const territories = new Map<string, Territory>(seed.territories.map((t) => [t.territoryId, t]));
  const tandems = new Map<string, Tandem>((overrides.tandems ?? seed.tandems).map((t) => [t.territoryId, t]));
  const deps: RoutingDependencies = {
    customers: {
      getCustomer: (id) => Promise.resolve(customers.get(id)),
      createCustomer: (c) => {
        if (customers.has(c.customerId)) return Promise.reject(new ConflictError(`customer ${c.customerId} already exists`));
        customers.set(c.customerId, c);
        return Promise.resolve();
      },
    },
    territories: {
      territoryForPostcode: (pc) => {
        const id = findTerritoryForPostcode(ranges, pc);
        return Promise.resolve(id ? territories.get(id) : undefined);
      },
      getTandem: (id) => Promise.resolve(tandems.get(id)),
      getTerritory: (id) => Promise.resolve(territories.get(id)),
    },
    today: () => '2026-11-27',
  };
  return { deps, customers };
}

test('a known customer is routed to its territory, home store and both partners, by id only', async () => {
  const { deps } = memory();
  const story = seed.customers.find((c) => c.customerId === STORY_CUSTOMER_ID)!;
  const tandem = seed.tandems.find((t) => t.territoryId === story.territoryId)!;
  const routed = await routeRequest({ customerId: STORY_CUSTOMER_ID }, deps);
  expect(routed).toEqual({
    customerId: STORY_CUSTOMER_ID,
    territoryId: story.territoryId,
    homeStoreId: story.homeStoreId,
    fieldManagerId: tandem.fieldManager.personId,
    insideManagerId: tandem.insideManager.personId,
    prospectRecorded: false,
  });
  expect(JSON.stringify(routed)).not.toMatch(/@|\+49/);
});

test('an unknown customer is routed by postcode and recorded once as a prospect of that territory', async () => {
  const { deps, customers } = memory();
  const prospect = { name: 'Bistro Kranhaus', postcode: '50678', city: 'Köln' };
  const first = await routeRequest({ prospect }, deps);
  const again = await routeRequest({ prospect: { ...prospect, name: '  bistro  KRANHAUS ' } }, deps);
  expect(first.prospectRecorded).toBe(true);
  expect(again).toEqual({ ...first, prospectRecorded: false });
  expect(first.customerId).toMatch(/^C9\d{5}$/);
  const recorded = customers.get(first.customerId)!;
  expect(recorded).toMatchObject({ lifecycle: 'prospect', owner: 'field', territoryId: findTerritoryForPostcode(ranges, '50678') });
});

test('200 different prospects in one postcode get 200 different ids', async () => {
  const { deps } = memory();
  const ids = new Set<string>();
  for (let i = 0; i < 200; i++) ids.add((await routeRequest({ prospect: { name: `Imbiss ${i}`, postcode: '10115' } }, deps)).customerId);
  expect(ids.size).toBe(200);
});

test('a territory without a complete tandem is an explicit TandemIncompleteError naming the territory', async () => {
  const story = seed.customers.find((c) => c.customerId === STORY_CUSTOMER_ID)!;
  const broken = seed.tandems.map<Tandem>((t) =>
    t.territoryId === story.territoryId ? { ...t, insideManager: { ...t.insideManager, channels: [] } } : t,
  );
  const { deps } = memory({ tandems: broken });
  await expect(routeRequest({ customerId: STORY_CUSTOMER_ID }, deps)).rejects.toThrow(TandemIncompleteError);
  await expect(routeRequest({ customerId: STORY_CUSTOMER_ID }, deps)).rejects.toThrow(new RegExp(`territory ${story.territoryId} has no complete tandem`));
});

test('an unknown customer id is a NotFoundError', async () => {
  const { deps } = memory();
  await expect(routeRequest({ customerId: 'C999998' }, deps)).rejects.toThrow(NotFoundError);
});
