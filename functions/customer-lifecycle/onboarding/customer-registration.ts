/**
 * Registering a newly won customer (POST /customers): the territory comes
 * from the postcode, the territory must have a complete tandem, and the
 * registering person must be its field manager. Then, all or nothing: the
 * customer (`new`, owned by the field role, with its handover plan), the
 * registration's idempotency record and the `Registered` event — and only
 * then the onboarding workflow starts. A repeat of the same registration
 * answers the same and starts nothing new; the same registration id with
 * another body is a 409. Bad input writes nothing and starts nothing.
 */
import { ConflictError, ValidationError } from '../../domain/errors';
import type { Customer } from '../../domain/model';
import type { TerritoryDirectory } from '../../domain/ports';
import { customerEventItem } from '../../repository/customer-history';
import type { Item } from '../../repository/table-layout';
import { isComplete } from '../../customer-request/domain/routing';
import { berlinDate } from '../domain/follow-up';
import {
  onboardingCaseId,
  parseRegistration,
  planHandover,
  registrationFingerprint,
  type OnboardingPlan,
  type RegistrationAnswer,
  type RegistrationRecord,
} from '../domain/onboarding';

/** Where registrations are recorded: DynamoCustomerRepository in the deployed handler. */
export interface RegistrationStore {
  getRegistration(registrationId: string): Promise<RegistrationRecord | undefined>;
  allocateCustomerId(): Promise<string>;
  registerNewCustomer(
    customer: Customer,
    registration: RegistrationRecord,
    events: readonly Item[],
  ): Promise<{ readonly outcome: 'created' } | { readonly outcome: 'registered-before'; readonly registration: RegistrationRecord }>;
}

export interface RegistrationDependencies {
  readonly territories: Pick<TerritoryDirectory, 'territoryForPostcode' | 'getTandem'>;
  readonly customers: RegistrationStore;
  /** Starts the customer's onboarding workflow; a start that finds it started already is no error. */
  readonly startOnboarding: (customerId: string) => Promise<void>;
  /** The stage's handover period. */
  readonly handoverWeeks: number;
}

export interface RegistrationOutcome {
  /** False for a repeat of an earlier registration. */
  readonly created: boolean;
  readonly answer: RegistrationAnswer;
}

export async function registerCustomer(body: unknown, deps: RegistrationDependencies, now: Date): Promise<RegistrationOutcome> {
  const registration = parseRegistration(body);
  const fingerprint = registrationFingerprint(registration);
  const earlier = await deps.customers.getRegistration(registration.registrationId);
  if (earlier) return repeat(earlier, fingerprint, deps);

  const { postcode } = registration.address;
  const territory = await deps.territories.territoryForPostcode(postcode);
  if (!territory) throw new ValidationError('customer registration', [{ field: 'address.postcode', problem: `no sales territory covers postcode ${postcode}` }]);
  const tandem = await deps.territories.getTandem(territory.territoryId);
  if (!tandem || !isComplete(tandem)) {
    throw new ConflictError(`territory ${territory.territoryId} (postcode ${postcode}) has no complete tandem (field and inside manager); a customer there can be registered once the directory has both`);
  }
  if (tandem.fieldManager.personId !== registration.registeredBy) {
    throw new ValidationError('customer registration', [
      { field: 'registeredBy', problem: `${registration.registeredBy} is not the field manager of territory ${territory.territoryId}, which covers postcode ${postcode}` },
    ]);
  }

  const customerId = await deps.customers.allocateCustomerId();
  const at = now.toISOString();
  const plan: OnboardingPlan = { registrationId: registration.registrationId, registeredBy: registration.registeredBy, ...planHandover(now, deps.handoverWeeks) };
  const customer: Customer = {
    customerId,
    name: registration.business,
    address: registration.address,
    territoryId: territory.territoryId,
    lifecycle: 'new',
    owner: 'field',
    wonOn: berlinDate(now),
    homeStoreId: territory.homeStoreId,
    contact: registration.contact,
    menuFocus: registration.menuFocus,
    expectedWeeklyVolumeEur: registration.expectedWeeklyVolumeEur,
    onboarding: plan,
  };
  const answer: RegistrationAnswer = { customerId, territoryId: territory.territoryId, status: 'new', owner: 'field', handoverAt: plan.handoverAt };
  // The audit trail names ids, the territory and the plan: no contact, no address.
  const registered = customerEventItem({
    customerId,
    caseId: onboardingCaseId(customerId),
    at,
    step: 'Registered',
    detail: { registrationId: registration.registrationId, registeredBy: registration.registeredBy, territoryId: territory.territoryId, handoverAt: plan.handoverAt },
  });
  const recorded = await deps.customers.registerNewCustomer(customer, { registrationId: registration.registrationId, fingerprint, answer, registeredAt: at }, [registered]);
  if (recorded.outcome === 'registered-before') return repeat(recorded.registration, fingerprint, deps);
  await deps.startOnboarding(customerId);
  return { created: true, answer };
}

async function repeat(earlier: RegistrationRecord, fingerprint: string, deps: RegistrationDependencies): Promise<RegistrationOutcome> {
  if (earlier.fingerprint !== fingerprint) {
    throw new ConflictError(`registration ${earlier.registrationId} was already used for another customer registration; use a new registrationId for a new customer`);
  }
  // Also on a repeat: the first attempt may have died between recording and starting.
  await deps.startOnboarding(earlier.answer.customerId);
  return { created: false, answer: earlier.answer };
}
