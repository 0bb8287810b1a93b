import type { Product, Unit } from '../domain/model';

/** The products the story is about, so that tests and the demo can name them. */
export const STORY_SKUS = {
  goose: 'GEF-0001',
  debonedChickenThighs: 'GEF-0002',
  salmonPortions: 'FIS-0001',
  tuna: 'FIS-0002',
} as const;

const STORY_PRODUCTS: readonly Product[] = [
  { sku: STORY_SKUS.goose, name: 'Gans küchenfertig, tiefgekühlt, ca. 4,5 kg', productLine: 'Chef Convenience', unit: 'piece', listPrice: 32.9 },
  { sku: STORY_SKUS.debonedChickenThighs, name: 'Hähnchenoberkeulen ausgelöst, ohne Haut, frisch', productLine: 'Frische Küche', unit: 'kg', listPrice: 9.89 },
  { sku: STORY_SKUS.salmonPortions, name: 'Lachsportionen ohne Haut und Gräten, frisch', productLine: 'Frische Küche', unit: 'kg', listPrice: 26.9 },
  { sku: STORY_SKUS.tuna, name: 'Thunfischloin, Sashimi-Qualität, frisch', productLine: 'Premium Auswahl', unit: 'kg', listPrice: 42.9 },
];

/*
 * List prices. Each item has a base price in EUR (net, wholesale) per its own
 * unit — per kg, per litre, or per piece as named (a 2,5 kg bag, a 2,5 kg tin) —
 * at roughly German cash-and-carry levels. A variant multiplies it by its
 * `priceFactor`, which folds in both the markup (Bio, marinated, glass bottle)
 * and the content when the variant is sold in another unit (a 10 kg carton is
 * ten times the kg price, less a bulk-pack saving). The result is rounded to a
 * price point ending in 9 cents (9.49, 80.69), as price lists do. No randomness:
 * the same table gives the same prices on every run.
 */

interface Variant {
  readonly suffix: string;
  readonly productLine: string;
  /** Overrides the item's own unit (e.g. a case of it). */
  readonly unit?: Unit;
  /** Price of one unit of this variant = the item's base price × this factor (content included). */
  readonly priceFactor: number;
}

type Item = readonly [name: string, unit: Unit, basePrice: number];

interface Category {
  readonly prefix: string;
  readonly items: readonly Item[];
  readonly variants: readonly Variant[];
}

const kg = (...items: (readonly [name: string, basePrice: number])[]): Item[] => items.map(([n, price]) => [n, 'kg', price] as const);

/** A produce crate holds about 8 kg and costs 10 % less per kg than loose goods. */
const PRODUCE_VARIANTS: readonly Variant[] = [
  { suffix: 'Klasse I', productLine: 'Frische Küche', priceFactor: 1 },
  { suffix: 'Bio', productLine: 'Bio Natur', priceFactor: 1.5 },
  { suffix: 'Kiste', productLine: 'Basis', unit: 'case', priceFactor: 8 * 0.9 },
];
/** A pantry carton holds 10 units and costs 5 % less per unit. */
const PANTRY_VARIANTS: readonly Variant[] = [
  { suffix: 'Gastro-Gebinde', productLine: 'Basis', priceFactor: 1 },
  { suffix: 'Bio', productLine: 'Bio Natur', priceFactor: 1.4 },
  { suffix: 'Karton', productLine: 'Basis', unit: 'case', priceFactor: 10 * 0.95 },
];

// Category × item × variant: 10 × 8 × 3 = 240 generated products.
const CATEGORIES: readonly Category[] = [
  {
    prefix: 'GEF', // Geflügel, EUR/kg
    items: kg(
      ['Hähnchenbrustfilet', 9.49], ['Hähnchenkeulen', 4.29], ['Hähnchenflügel', 4.99], ['Putenbrustfilet', 10.99],
      ['Putenoberkeule', 6.49], ['Entenbrust', 17.89], ['Entenkeulen', 10.49], ['Maishähnchen', 6.99],
    ),
    variants: [
      { suffix: 'frisch', productLine: 'Frische Küche', priceFactor: 1 },
      { suffix: 'mariniert, küchenfertig', productLine: 'Chef Convenience', priceFactor: 1.25 },
      { suffix: 'tiefgekühlt, Karton 10 kg', productLine: 'Basis', unit: 'case', priceFactor: 10 * 0.85 },
    ],
  },
  {
    prefix: 'FIS', // Fisch und Meeresfrüchte, EUR/kg
    items: kg(
      ['Lachsfilet mit Haut', 19.89], ['Kabeljaufilet', 22.89], ['Seelachsfilet', 12.89], ['Zanderfilet', 29.89],
      ['Doradenfilet', 24.89], ['Garnelen 16/20 ohne Kopf', 21.89], ['Miesmuscheln', 5.49], ['Forellenfilet', 18.89],
    ),
    variants: [
      { suffix: 'frisch', productLine: 'Frische Küche', priceFactor: 1 },
      { suffix: 'tiefgekühlt, glasiert', productLine: 'Basis', priceFactor: 0.8 },
      { suffix: 'tiefgekühlt, Karton 5 kg', productLine: 'Basis', unit: 'case', priceFactor: 5 * 0.75 },
    ],
  },
  {
    prefix: 'FLE', // Fleisch, EUR/kg
    items: kg(
      ['Rinderhüfte', 24.89], ['Rinderfilet', 49.89], ['Roastbeef', 29.89], ['Schweinenacken', 7.49],
      ['Schweinefilet', 11.89], ['Kalbsrücken', 39.89], ['Lammkeule', 16.89], ['Rinderhackfleisch', 8.99],
    ),
    variants: [
      { suffix: 'frisch, vakuumiert', productLine: 'Frische Küche', priceFactor: 1 },
      { suffix: 'Bio, frisch', productLine: 'Bio Natur', priceFactor: 1.45 },
      // A 5 kg carton of portions: portioning costs, freezing saves.
      { suffix: 'portioniert, tiefgekühlt', productLine: 'Basis', unit: 'case', priceFactor: 5 * 0.95 },
    ],
  },
  {
    prefix: 'MOP', // Molkereiprodukte
    items: [
      ['Vollmilch 3,5 %', 'litre', 1.09],
      ['Schlagsahne 30 %', 'litre', 4.29],
      ['Butter', 'kg', 8.49],
      ['Crème fraîche', 'kg', 5.99],
      ['Mozzarella', 'kg', 7.49],
      ['Gouda jung', 'kg', 6.99],
      ['Parmesan', 'kg', 17.89],
      ['Joghurt natur', 'kg', 1.99],
    ],
    variants: PANTRY_VARIANTS,
  },
  {
    prefix: 'OBS', // Obst, EUR/kg
    items: kg(
      ['Äpfel Elstar', 2.29], ['Bananen', 1.89], ['Zitronen', 2.99], ['Orangen', 2.19],
      ['Erdbeeren', 7.89], ['Heidelbeeren', 14.89], ['Ananas', 2.99], ['Mangos', 4.99],
    ),
    variants: PRODUCE_VARIANTS,
  },
  {
    prefix: 'GEM', // Gemüse, EUR/kg
    items: kg(
      ['Karotten', 1.29], ['Kartoffeln festkochend', 1.09], ['Zwiebeln', 1.19], ['Rispentomaten', 3.49],
      ['Zucchini', 2.79], ['Paprika rot', 4.49], ['Brokkoli', 3.99], ['Champignons', 5.49],
    ),
    variants: PRODUCE_VARIANTS,
  },
  {
    prefix: 'TKK', // Tiefkühlkost, EUR per 2,5 kg bag
    items: [
      ['Pommes frites 10 mm', 'piece', 5.49],
      ['Kartoffelkroketten', 'piece', 7.99],
      ['Blattspinat', 'piece', 6.49],
      ['Erbsen', 'piece', 5.99],
      ['Gemüsemischung Asia', 'piece', 8.49],
      ['Blätterteig', 'piece', 9.99],
      ['Laugenbrezeln', 'piece', 12.89],
      ['Germknödel', 'piece', 11.89],
    ],
    variants: [
      { suffix: 'Beutel 2,5 kg', productLine: 'Basis', priceFactor: 1 },
      // 1 kg instead of 2,5 kg, premium quality: more than 40 % of the big bag.
      { suffix: 'Premium, Beutel 1 kg', productLine: 'Premium Auswahl', priceFactor: 0.55 },
      { suffix: 'Karton 4 × 2,5 kg', productLine: 'Basis', unit: 'case', priceFactor: 4 * 0.95 },
    ],
  },
  {
    prefix: 'GET', // Getränke, EUR/litre (deposit not included)
    items: [
      ['Mineralwasser still', 'litre', 0.59],
      ['Mineralwasser medium', 'litre', 0.59],
      ['Apfelsaft naturtrüb', 'litre', 1.49],
      ['Orangensaft', 'litre', 1.79],
      ['Cola', 'litre', 1.39],
      ['Zitronenlimonade', 'litre', 1.19],
      ['Eistee Pfirsich', 'litre', 1.19],
      ['Tonic Water', 'litre', 2.29],
    ],
    variants: [
      { suffix: 'Glasflasche 1 l', productLine: 'Premium Auswahl', priceFactor: 1.3 },
      { suffix: 'PET 1,5 l', productLine: 'Basis', priceFactor: 0.85 },
      { suffix: 'Kasten 12 × 1 l', productLine: 'Basis', unit: 'case', priceFactor: 12 * 1.1 },
    ],
  },
  {
    prefix: 'TRO', // Trockensortiment
    items: [
      ['Tomaten geschält, Dose 2,5 kg', 'piece', 3.99],
      ['Kichererbsen, Dose 2,5 kg', 'piece', 3.49],
      ['Basmatireis', 'kg', 2.99],
      ['Spaghetti', 'kg', 1.79],
      ['Penne rigate', 'kg', 1.79],
      ['Olivenöl extra vergine', 'litre', 9.89],
      ['Rapsöl', 'litre', 2.49],
      ['Weizenmehl Type 405', 'kg', 0.89],
    ],
    variants: PANTRY_VARIANTS,
  },
  {
    prefix: 'CON', // Convenience, EUR/kg
    items: kg(
      ['Rinderroulade in Sauce', 16.89], ['Gulaschsuppe', 5.49], ['Kartoffelgratin', 6.49], ['Lasagne Bolognese', 7.49],
      ['Rahmspinat', 4.29], ['Käsespätzle', 5.99], ['Bratensauce', 4.49], ['Apfelrotkohl', 2.79],
    ),
    variants: [
      { suffix: 'gegart, gekühlt', productLine: 'Chef Convenience', priceFactor: 1 },
      // A 300 g portion bag, a little dearer per kg than bulk.
      { suffix: 'tiefgekühlt, Portionsbeutel', productLine: 'Chef Convenience', unit: 'piece', priceFactor: 0.3 * 1.1 },
      // A GN 1/1 tray holds about 4 kg.
      { suffix: 'Gastronorm-Schale 1/1', productLine: 'Frische Küche', unit: 'piece', priceFactor: 4 * 0.95 },
    ],
  },
];

/** Generated numbers start at 0100 so that 0001–0099 stay free for hand-picked items like the story's. */
const FIRST_GENERATED_NUMBER = 100;

/**
 * A price point ending in 9 cents: to the nearest 10 cents, less one cent
 * (11.8625 → 11.89, 80.665 → 80.69), never below 0.09. Integer cents, so the
 * result has exactly two decimals.
 */
export function pricePoint(euros: number): number {
  const cents = Math.max(9, Math.round(euros * 10) * 10 - 1);
  return cents / 100;
}

export function buildProducts(): Product[] {
  const generated = CATEGORIES.flatMap((category) =>
    category.items.flatMap(([name, unit, basePrice], i) =>
      category.variants.map((variant, v) => ({
        sku: `${category.prefix}-${String(FIRST_GENERATED_NUMBER + i * category.variants.length + v).padStart(4, '0')}`,
        name: `${name}, ${variant.suffix}`,
        productLine: variant.productLine,
        unit: variant.unit ?? unit,
        listPrice: pricePoint(basePrice * variant.priceFactor),
      })),
    ),
  );
  return [...STORY_PRODUCTS, ...generated];
}
