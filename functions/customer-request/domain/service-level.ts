/**
 * The service level of a customer request (docs/operations.md, "SLA"): a
 * request that needs a person's decision must get it from the inside manager
 * within their window — the stage's SLA minutes (30), shortened so that the
 * goods can still be moved before needed-by (domain/deadlines.ts). The
 * request breaches its SLA when that window passed without an answer: the
 * decision went to the field partner, or nobody answered at all. A request
 * that needed no decision cannot breach it.
 */
import type { Role } from '../../domain/model';

export interface ServiceLevelFacts {
  /** The request's escalation as it stands at the end (its holder's role: `field` once handed over); none when it needed no decision. */
  readonly escalation?: { readonly role: Role };
  /** Whether a person's decision was stored. */
  readonly decided: boolean;
}

export type ServiceLevel = { readonly breached: false; readonly why: 'no decision needed' | 'decided in the inside manager\'s window' } | { readonly breached: true; readonly why: 'handed over to the field partner' | 'no decision at all' };

export function serviceLevel(facts: ServiceLevelFacts): ServiceLevel {
  if (!facts.escalation) return { breached: false, why: 'no decision needed' };
  if (facts.escalation.role === 'field') return { breached: true, why: 'handed over to the field partner' };
  if (!facts.decided) return { breached: true, why: 'no decision at all' };
  return { breached: false, why: 'decided in the inside manager\'s window' };
}
