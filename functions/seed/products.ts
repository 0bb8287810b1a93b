import type { Product, Unit } from '../domain/model';

/** The products the story is about, so that tests and the demo can name them. */
export const STORY_SKUS = {
  goose: 'GEF-0001',
  debonedChickenThighs: 'GEF-0002',
  salmonPortions: 'FIS-0001',
  tuna: 'FIS-0002',
} as const;

const STORY_PRODUCTS: readonly Product[] = [
  { sku: STORY_SKUS.goose, name: 'Gans küchenfertig, tiefgekühlt, ca. 4,5 kg', productLine: 'Chef Convenience', unit: 'piece' },
  { sku: STORY_SKUS.debonedChickenThighs, name: 'Hähnchenoberkeulen ausgelöst, ohne Haut, frisch', productLine: 'Frische Küche', unit: 'kg' },
  { sku: STORY_SKUS.salmonPortions, name: 'Lachsportionen ohne Haut und Gräten, frisch', productLine: 'Frische Küche', unit: 'kg' },
  { sku: STORY_SKUS.tuna, name: 'Thunfischloin, Sashimi-Qualität, frisch', productLine: 'Premium Auswahl', unit: 'kg' },
];

interface Variant {
  readonly suffix: string;
  readonly productLine: string;
  /** Overrides the item's own unit (e.g. a case of it). */
  readonly unit?: Unit;
}

interface Category {
  readonly prefix: string;
  readonly items: readonly (readonly [name: string, unit: Unit])[];
  readonly variants: readonly Variant[];
}

const kg = (...names: string[]): (readonly [string, Unit])[] => names.map((n) => [n, 'kg'] as const);

const PRODUCE_VARIANTS: readonly Variant[] = [
  { suffix: 'Klasse I', productLine: 'Frische Küche' },
  { suffix: 'Bio', productLine: 'Bio Natur' },
  { suffix: 'Kiste', productLine: 'Basis', unit: 'case' },
];
const PANTRY_VARIANTS: readonly Variant[] = [
  { suffix: 'Gastro-Gebinde', productLine: 'Basis' },
  { suffix: 'Bio', productLine: 'Bio Natur' },
  { suffix: 'Karton', productLine: 'Basis', unit: 'case' },
];

// Category × item × variant: 10 × 8 × 3 = 240 generated products.
const CATEGORIES: readonly Category[] = [
  {
    prefix: 'GEF', // Geflügel
    items: kg('Hähnchenbrustfilet', 'Hähnchenkeulen', 'Hähnchenflügel', 'Putenbrustfilet', 'Putenoberkeule', 'Entenbrust', 'Entenkeulen', 'Maishähnchen'),
    variants: [
      { suffix: 'frisch', productLine: 'Frische Küche' },
      { suffix: 'mariniert, küchenfertig', productLine: 'Chef Convenience' },
      { suffix: 'tiefgekühlt, Karton 10 kg', productLine: 'Basis', unit: 'case' },
    ],
  },
  {
    prefix: 'FIS', // Fisch und Meeresfrüchte
    items: kg('Lachsfilet mit Haut', 'Kabeljaufilet', 'Seelachsfilet', 'Zanderfilet', 'Doradenfilet', 'Garnelen 16/20 ohne Kopf', 'Miesmuscheln', 'Forellenfilet'),
    variants: [
      { suffix: 'frisch', productLine: 'Frische Küche' },
      { suffix: 'tiefgekühlt, glasiert', productLine: 'Basis' },
      { suffix: 'tiefgekühlt, Karton 5 kg', productLine: 'Basis', unit: 'case' },
    ],
  },
  {
    prefix: 'FLE', // Fleisch
    items: kg('Rinderhüfte', 'Rinderfilet', 'Roastbeef', 'Schweinenacken', 'Schweinefilet', 'Kalbsrücken', 'Lammkeule', 'Rinderhackfleisch'),
    variants: [
      { suffix: 'frisch, vakuumiert', productLine: 'Frische Küche' },
      { suffix: 'Bio, frisch', productLine: 'Bio Natur' },
      { suffix: 'portioniert, tiefgekühlt', productLine: 'Basis', unit: 'case' },
    ],
  },
  {
    prefix: 'MOP', // Molkereiprodukte
    items: [
      ['Vollmilch 3,5 %', 'litre'],
      ['Schlagsahne 30 %', 'litre'],
      ['Butter', 'kg'],
      ['Crème fraîche', 'kg'],
      ['Mozzarella', 'kg'],
      ['Gouda jung', 'kg'],
      ['Parmesan', 'kg'],
      ['Joghurt natur', 'kg'],
    ],
    variants: PANTRY_VARIANTS,
  },
  {
    prefix: 'OBS', // Obst
    items: kg('Äpfel Elstar', 'Bananen', 'Zitronen', 'Orangen', 'Erdbeeren', 'Heidelbeeren', 'Ananas', 'Mangos'),
    variants: PRODUCE_VARIANTS,
  },
  {
    prefix: 'GEM', // Gemüse
    items: kg('Karotten', 'Kartoffeln festkochend', 'Zwiebeln', 'Rispentomaten', 'Zucchini', 'Paprika rot', 'Brokkoli', 'Champignons'),
    variants: PRODUCE_VARIANTS,
  },
  {
    prefix: 'TKK', // Tiefkühlkost
    items: [
      ['Pommes frites 10 mm', 'piece'],
      ['Kartoffelkroketten', 'piece'],
      ['Blattspinat', 'piece'],
      ['Erbsen', 'piece'],
      ['Gemüsemischung Asia', 'piece'],
      ['Blätterteig', 'piece'],
      ['Laugenbrezeln', 'piece'],
      ['Germknödel', 'piece'],
    ],
    variants: [
      { suffix: 'Beutel 2,5 kg', productLine: 'Basis' },
      { suffix: 'Premium, Beutel 1 kg', productLine: 'Premium Auswahl' },
      { suffix: 'Karton 4 × 2,5 kg', productLine: 'Basis', unit: 'case' },
    ],
  },
  {
    prefix: 'GET', // Getränke
    items: [
      ['Mineralwasser still', 'litre'],
      ['Mineralwasser medium', 'litre'],
      ['Apfelsaft naturtrüb', 'litre'],
      ['Orangensaft', 'litre'],
      ['Cola', 'litre'],
      ['Zitronenlimonade', 'litre'],
      ['Eistee Pfirsich', 'litre'],
      ['Tonic Water', 'litre'],
    ],
    variants: [
      { suffix: 'Glasflasche 1 l', productLine: 'Premium Auswahl' },
      { suffix: 'PET 1,5 l', productLine: 'Basis' },
      { suffix: 'Kasten 12 × 1 l', productLine: 'Basis', unit: 'case' },
    ],
  },
  {
    prefix: 'TRO', // Trockensortiment
    items: [
      ['Tomaten geschält, Dose 2,5 kg', 'piece'],
      ['Kichererbsen, Dose 2,5 kg', 'piece'],
      ['Basmatireis', 'kg'],
      ['Spaghetti', 'kg'],
      ['Penne rigate', 'kg'],
      ['Olivenöl extra vergine', 'litre'],
      ['Rapsöl', 'litre'],
      ['Weizenmehl Type 405', 'kg'],
    ],
    variants: PANTRY_VARIANTS,
  },
  {
    prefix: 'CON', // Convenience
    items: kg('Rinderroulade in Sauce', 'Gulaschsuppe', 'Kartoffelgratin', 'Lasagne Bolognese', 'Rahmspinat', 'Käsespätzle', 'Bratensauce', 'Apfelrotkohl'),
    variants: [
      { suffix: 'gegart, gekühlt', productLine: 'Chef Convenience' },
      { suffix: 'tiefgekühlt, Portionsbeutel', productLine: 'Chef Convenience', unit: 'piece' },
      { suffix: 'Gastronorm-Schale 1/1', productLine: 'Frische Küche', unit: 'piece' },
    ],
  },
];

/** Generated numbers start at 0100 so that 0001–0099 stay free for hand-picked items like the story's. */
const FIRST_GENERATED_NUMBER = 100;

export function buildProducts(): Product[] {
  const generated = CATEGORIES.flatMap((category) =>
    category.items.flatMap(([name, unit], i) =>
      category.variants.map((variant, v) => ({
        sku: `${category.prefix}-${String(FIRST_GENERATED_NUMBER + i * category.variants.length + v).padStart(4, '0')}`,
        name: `${name}, ${variant.suffix}`,
        productLine: variant.productLine,
        unit: variant.unit ?? unit,
      })),
    ),
  );
  return [...STORY_PRODUCTS, ...generated];
}
