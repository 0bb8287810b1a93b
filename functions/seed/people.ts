import type { Channel, Language, Person } from '../domain/model';
import { createRandom } from './random';

export const PERSON_COUNT = 800;

// Common German first and last names; a person is a combination of both, not a real individual.
const FIRST_NAMES = [
  'Anna', 'Lena', 'Julia', 'Sarah', 'Laura', 'Katrin', 'Sabine', 'Claudia', 'Nicole', 'Miriam',
  'Svenja', 'Jana', 'Hannah', 'Lea', 'Marie', 'Sophie', 'Birgit', 'Ulrike', 'Franziska', 'Katharina',
  'Thomas', 'Michael', 'Andreas', 'Stefan', 'Markus', 'Jens', 'Jörg', 'Tobias', 'Florian', 'Matthias',
  'Sebastian', 'Daniel', 'Christian', 'Lukas', 'Jonas', 'Felix', 'Niklas', 'Moritz', 'Björn', 'Dirk',
] as const;
const LAST_NAMES = [
  'Müller', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch',
  'Bauer', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Krüger',
  'Hartmann', 'Lange', 'Werner', 'Krause', 'Lehmann', 'Köhler', 'Maier', 'König', 'Walter', 'Huber',
  'Kaiser', 'Fuchs', 'Scholz', 'Möller', 'Weiß', 'Jung', 'Hahn', 'Vogel', 'Keller', 'Winkler',
] as const;

// Combinations that name well-known public figures are skipped.
const WELL_KNOWN = new Set([
  'Thomas Müller', 'Dirk Müller', 'Jens Lehmann', 'Andreas Möller', 'Sebastian Koch', 'Daniel Richter',
  'Felix Klein', 'Christian Fuchs', 'Markus Braun', 'Lena Meyer', 'Michael Krüger',
]);

/**
 * Fictitious numbers: the Bundesnetzagentur keeps (0)30 23125 000–999 (Berlin) and
 * (0)40 66969 000–999 (Hamburg) free for films and books ("drama numbers"), so no
 * real person can be texted by mistake.
 */
export const FICTITIOUS_NUMBER_BLOCKS = ['+493023125', '+494066969'] as const;

/** The n-th fictitious number (0-based), alternating between the two blocks. */
export function fictitiousMobile(n: number): string {
  const block = FICTITIOUS_NUMBER_BLOCKS[n % FICTITIOUS_NUMBER_BLOCKS.length];
  const suffix = Math.floor(n / FICTITIOUS_NUMBER_BLOCKS.length);
  if (block === undefined || !Number.isInteger(n) || n < 0 || suffix > 999) {
    throw new RangeError(`no fictitious number #${n}: the blocks hold 2000`);
  }
  return `${block}${String(suffix).padStart(3, '0')}`;
}

const TRANSLITERATION: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss' };

/** Lower-case ASCII for email local parts: ä→ae, ö→oe, ü→ue, ß→ss, other letters lose accents. */
export function toAscii(text: string): string {
  return text
    .toLowerCase()
    .replace(/[äöüß]/g, (c) => TRANSLITERATION[c] ?? c)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-');
}

/** Every name combination once, in a fixed shuffled order, well-known ones left out. */
function nameCombinations(): string[] {
  const all = FIRST_NAMES.flatMap((first) => LAST_NAMES.map((last) => `${first} ${last}`));
  return createRandom('people.names')
    .shuffle(all)
    .filter((name) => !WELL_KNOWN.has(name));
}

export const personId = (index: number): string => `P${String(index + 1).padStart(4, '0')}`;

export function buildPeople(count: number = PERSON_COUNT): Person[] {
  const names = nameCombinations();
  const random = createRandom('people.preferences');
  return Array.from({ length: count }, (_, index): Person => {
    const name = names[index];
    if (name === undefined) throw new RangeError(`only ${names.length} distinct names for ${count} people`);
    const [first = '', last = ''] = name.split(' ');
    const language: Language = random.chance(0.1) ? 'en' : 'de';
    const roll = random.next();
    const channels: Channel[] = roll < 0.8 ? ['sms', 'email'] : roll < 0.9 ? ['email'] : ['sms'];
    return {
      personId: personId(index),
      name,
      mobile: fictitiousMobile(index),
      email: `${toAscii(first)}.${toAscii(last)}.${index + 1}@example.com`,
      language,
      channels,
    };
  });
}
