/**
 * What every benchmark part (issue 9) writes: its figures, each with the
 * median and spread over repeated runs, and tables for the report. A part is a
 * script `bench/<part>.ts` that calls `writeBenchPart`; `bench/write-report.ts`
 * turns `reports/bench/*.json` into `reports/bench.json` and `reports/bench.md`.
 *
 * Timings are reported, never asserted: shared machines are noisy. Targets are
 * written beside the figure with whether this run met them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../lib/app';

export const BENCH_DIR = join(PROJECT_ROOT, 'reports', 'bench');

export interface Spread {
  readonly min: number;
  readonly p05: number;
  readonly median: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  /** How many samples (runs, processes, invocations) the figure summarises. */
  readonly runs: number;
}

export interface BenchTarget {
  readonly op: '<=' | '>=';
  readonly value: number;
  /** The target in the issue's words, e.g. "≤ 1.25 × its floor". */
  readonly text: string;
}

export interface BenchFigure {
  /** Stable name, e.g. `cold-start.route-request.init-ms`. */
  readonly name: string;
  /** What it is, in a few words. */
  readonly label: string;
  readonly unit: string;
  readonly median: number;
  readonly spread: Spread;
  readonly target?: BenchTarget;
  readonly met?: boolean;
}

export interface BenchTable {
  readonly title: string;
  /** A Markdown table (header, separator, rows). */
  readonly markdown: string;
}

export interface BenchPart {
  /** File name and section id: `cold-start`, `middleware`, `cost`, `throughput`. */
  readonly part: string;
  readonly title: string;
  readonly figures: readonly BenchFigure[];
  readonly tables?: readonly BenchTable[];
  /** Plain sentences: method, where the time goes, what limits the figure. */
  readonly notes?: readonly string[];
}

/** Percentiles by nearest rank over the sorted samples. */
export function spreadOf(samples: readonly number[]): Spread {
  if (samples.length === 0) throw new Error('spreadOf needs at least one sample');
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  return { min: sorted[0]!, p05: at(5), median: medianOf(sorted), p95: at(95), p99: at(99), max: sorted.at(-1)!, runs: sorted.length };
}

function medianOf(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A figure from its samples; with a target, whether the median (or the chosen statistic) meets it. */
export function figure(
  name: string,
  label: string,
  unit: string,
  samples: readonly number[],
  target?: BenchTarget & { readonly statistic?: keyof Omit<Spread, 'runs'> },
): BenchFigure {
  const spread = spreadOf(samples);
  if (!target) return { name, label, unit, median: spread.median, spread };
  const { statistic = 'median', ...rest } = target;
  const value = spread[statistic];
  const met = rest.op === '<=' ? value <= rest.value : value >= rest.value;
  return { name, label, unit, median: spread.median, spread, target: rest, met };
}

/** Writes reports/bench/<part>.json and prints one line per figure. */
export function writeBenchPart(part: BenchPart): string {
  mkdirSync(BENCH_DIR, { recursive: true });
  const file = join(BENCH_DIR, `${part.part}.json`);
  writeFileSync(file, `${JSON.stringify({ ...part, recordedAt: new Date().toISOString() }, null, 2)}\n`);
  for (const f of part.figures) {
    const verdict = f.target ? ` (target ${f.target.text}: ${f.met ? 'met' : 'NOT met'})` : '';
    console.log(`BENCH ${f.name}: ${round(f.median)} ${f.unit} [${round(f.spread.min)}–${round(f.spread.max)}, n=${f.spread.runs}]${verdict}`);
  }
  return file;
}

/** Numbers as the report prints them: 3 significant digits below 100, whole numbers above. */
export function round(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(3)).toString();
}

/** A Markdown table from a header and rows. */
export function markdownTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.map((c) => (typeof c === 'number' ? round(c) : c)).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}
