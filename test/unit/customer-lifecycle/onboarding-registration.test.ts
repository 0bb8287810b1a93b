import { ConflictError, ValidationError } from '../../../functions/domain/errors';
import type { Customer, Tandem, Territory } from '../../../functions/domain/model';
import { registerCustomer, type RegistrationDependencies, type RegistrationStore } from '../../../functions/customer-lifecycle/onboarding/customer-registration';
import { onboardedCustomerId, type RegistrationRecord } from '../../../functions/customer-lifecycle/domain/onboarding';
import type { Item } from '../../../functions/repository/table-layout';
import { generateSeed } from '../../../functions/seed/generate';

const seed = generateSeed();
const territory = seed.territories.find((t) => t.territoryId === 'T159')!;
const tandem = seed.tandems.find((t) => t.territoryId === 'T159')!;
const now = new Date('2026-11-27T09:00:00Z');

const body = {
  registrationId: 'reg-unit-1',
  business: 'Trattoria Da Marco',
  address: { street: 'Hafenstraße 1', postcode: territory.postcodes[0]!.from, city: 'Düsseldorf' },
  contact: { name: 'Marco Rossi', phone: '+493023125999', email: 'marco@example.com' },
  menuFocus: ['italian', 'fish'],
  expectedWeeklyVolumeEur: 1800,
  registeredBy: tandem.fieldManager.personId,
};

/** The table as the registration sees it: registrations, customers and events written, workflows started. */
function world(options: { territories?: Territory[]; tandems?: Tandem[] } = {}) {
  const registrations = new Map<string, RegistrationRecord>();
  const customers: Customer[] = [];
  const events: Item[] = [];
  const started: string[] = [];
  let counter = 0;
  const store: RegistrationStore = {
    getRegistration: (id) => Promise.resolve(registrations.get(id)),
    allocateCustomerId: () => Promise.resolve(onboardedCustomerId(++counter)),
    registerNewCustomer(customer, registration, written) {
      const earlier = registrations.get(registration.registrationId);
      if (earlier) return Promise.resolve({ outcome: 'registered-before', registration: earlier });
      registrations.set(registration.registrationId, registration);
      customers.push(customer);
      events.push(...written);
      return Promise.resolve({ outcome: 'created' });
    },
  };
  const territories = options.territories ?? seed.territories;
  const tandems = options.tandems ?? seed.tandems;
  const deps: RegistrationDependencies = {
    territories: {
      territoryForPostcode: (postcode) => Promise.resolve(territories.find((t) => t.postcodes.some((r) => r.from <= postcode && postcode <= r.to))),
      getTandem: (territoryId) => Promise.resolve(tandems.find((t) => t.territoryId === territoryId)),
    },
    customers: store,
    startOnboarding: (customerId) => {
      if (!started.includes(customerId)) started.push(customerId);
      return Promise.resolve();
    },
    handoverWeeks: 6,
  };
  return { deps, store, registrations, customers, events, started };
}

test('a newly won customer is recorded new, owned by the field role, in the territory of its postcode, with its handover plan, and its onboarding starts', async () => {
  const w = world();
  const outcome = await registerCustomer(body, w.deps, now);
  expect(outcome).toEqual({ created: true, answer: { customerId: 'C100001', territoryId: 'T159', status: 'new', owner: 'field', handoverAt: '2027-01-08T09:00:00.000Z' } });
  expect(w.customers).toEqual([
    expect.objectContaining({
      customerId: 'C100001',
      name: 'Trattoria Da Marco',
      territoryId: 'T159',
      homeStoreId: territory.homeStoreId,
      lifecycle: 'new',
      owner: 'field',
      wonOn: '2026-11-27',
      menuFocus: ['italian', 'fish'],
      expectedWeeklyVolumeEur: 1800,
      onboarding: { registrationId: 'reg-unit-1', registeredBy: tandem.fieldManager.personId, wonAt: now.toISOString(), handoverAt: '2027-01-08T09:00:00.000Z', extended: false },
    }),
  ]);
  expect(w.events.map((e) => [e.step, e.caseId])).toEqual([['Registered', 'onboarding-C100001']]);
  // The audit trail names ids, never the contact.
  expect(JSON.stringify(w.events)).not.toContain('Marco Rossi');
  expect(w.started).toEqual(['C100001']);
});

test('the same registration again answers the same and records nothing new', async () => {
  const w = world();
  const first = await registerCustomer(body, w.deps, now);
  const again = await registerCustomer({ ...body, menuFocus: ['italian', 'fish'], business: '  Trattoria Da Marco ' }, w.deps, new Date(now.getTime() + 60_000));
  expect(again).toEqual({ created: false, answer: first.answer });
  expect(w.customers).toHaveLength(1);
  expect(w.started).toEqual(['C100001']);
});

test('the same registration id with another body is a conflict', async () => {
  const w = world();
  await registerCustomer(body, w.deps, now);
  await expect(registerCustomer({ ...body, expectedWeeklyVolumeEur: 900 }, w.deps, now)).rejects.toThrow(/reg-unit-1 was already used/);
  expect(w.customers).toHaveLength(1);
});

test('a repeat that lost the race to record answers with the registration that won', async () => {
  const w = world();
  const first = await registerCustomer(body, w.deps, now);
  // A repeat that read "no registration yet" just before the first one was recorded.
  const racing = world();
  racing.registrations.set(body.registrationId, w.registrations.get(body.registrationId)!);
  const getRegistration = racing.store.getRegistration;
  let reads = 0;
  racing.store.getRegistration = async (id) => (reads++ === 0 ? undefined : getRegistration(id));
  expect(await registerCustomer(body, racing.deps, now)).toEqual({ created: false, answer: first.answer });
  expect(racing.customers).toEqual([]);
});

describe('bad input changes nothing and starts nothing', () => {
  test('a postcode no territory covers is refused, naming address.postcode', async () => {
    const w = world({ territories: seed.territories.filter((t) => t.territoryId !== 'T159') });
    expect(await fieldsOf(registerCustomer(body, w.deps, now))).toEqual(['address.postcode']);
    expect([w.customers, w.events, w.started]).toEqual([[], [], []]);
  });

  test('a territory without a complete tandem is a conflict naming the territory', async () => {
    const w = world({ tandems: seed.tandems.filter((t) => t.territoryId !== 'T159') });
    const refused = registerCustomer(body, w.deps, now);
    await expect(refused).rejects.toThrow(ConflictError);
    await expect(refused).rejects.toThrow(/territory T159 .*has no complete tandem/);
    expect([w.customers, w.events, w.started]).toEqual([[], [], []]);
  });

  test("someone who is not the territory's field manager is refused, naming registeredBy", async () => {
    const w = world();
    expect(await fieldsOf(registerCustomer({ ...body, registeredBy: tandem.insideManager.personId }, w.deps, now))).toEqual(['registeredBy']);
    expect([w.customers, w.events, w.started]).toEqual([[], [], []]);
  });

  test('bad fields are refused, each named', async () => {
    const w = world();
    const bad = { ...body, business: '', expectedWeeklyVolumeEur: -1, contact: { ...body.contact, phone: '0211' } };
    expect((await fieldsOf(registerCustomer(bad, w.deps, now))).sort()).toEqual(['business', 'contact.phone', 'expectedWeeklyVolumeEur']);
    expect([w.customers, w.events, w.started]).toEqual([[], [], []]);
  });
});

/** The fields a refused registration names ([] when it was accepted). */
async function fieldsOf(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise;
    return [];
  } catch (error) {
    if (error instanceof ValidationError) return error.problems.map((p) => p.field);
    throw error;
  }
}
