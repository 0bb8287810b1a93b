/**
 * The personal data a test run knows of — the seed's people and customer
 * contacts (phone numbers, email addresses, names) and any contact a test
 * registered — and a scan for it in what the run wrote: log lines, execution
 * history, messages. Shared by the observability test and the
 * no-personal-data proof.
 */
import type { Customer, Tandem } from '../../functions/domain/model';

export interface PersonalValue {
  readonly kind: 'phone' | 'email' | 'name';
  readonly value: string;
}

type Contact = NonNullable<Customer['contact']>;

/** Phones, emails and names of the tandems' people and of customer contacts. */
export function personalDataOf(data: { tandems: readonly Tandem[]; customers?: readonly Pick<Customer, 'contact'>[]; contacts?: readonly Contact[] }): PersonalValue[] {
  const people = data.tandems.flatMap((t) => [t.fieldManager, t.insideManager]);
  const contacts = [...(data.customers ?? []).map((c) => c.contact), ...(data.contacts ?? [])].filter((c): c is Contact => c !== undefined);
  const values: PersonalValue[] = [
    ...people.flatMap((p) => [
      { kind: 'phone' as const, value: p.mobile },
      { kind: 'email' as const, value: p.email },
      { kind: 'name' as const, value: p.name },
    ]),
    ...contacts.flatMap((c) => [
      { kind: 'phone' as const, value: c.phone },
      ...(c.email ? [{ kind: 'email' as const, value: c.email }] : []),
      { kind: 'name' as const, value: c.name },
    ]),
  ];
  const seen = new Set<string>();
  return values.filter((v) => v.value !== '' && !seen.has(v.value) && seen.add(v.value));
}

/** The personal values that occur in any of the texts (as written, or JSON-escaped inside a JSON string). */
export function personalDataIn(texts: Iterable<string>, personal: readonly PersonalValue[]): PersonalValue[] {
  const all = [...texts].join('\n');
  return personal.filter((p) => all.includes(p.value) || all.includes(JSON.stringify(p.value).slice(1, -1)));
}
