/**
 * The reliability and security proofs (issue 8, test files `proof-*.test.ts`)
 * each record one figure: the promise, the load or faults applied, and the
 * result in numbers. A figure is printed when it is recorded and written to
 * `reports/proof/<id>.json`; the jest summary reporter lists every figure of
 * the run at its end, and `npm run proof` turns them into
 * `reports/reliability.md`.
 *
 * Sizes: `npm test` runs the sizes the issue names (within minutes on 2
 * cores); `npm run proof` sets TANDEM_PROOF_SCALE=report and may run larger
 * ones, chosen per proof with `proofSize`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/app';

export const PROOF_DIR = join(PROJECT_ROOT, 'reports', 'proof');

export interface ProofFigure {
  /** Stable id, also the file name: e.g. `1-exactly-once`. */
  readonly id: string;
  /** The point of issue 8 it proves (1–8). */
  readonly point: number;
  /** The promise in one sentence, e.g. "50 identical submissions start one execution". */
  readonly promise: string;
  /** What was thrown at the system, e.g. "50 concurrent POST /requests with one id". */
  readonly load: string;
  /** The outcome in one sentence with its numbers. */
  readonly result: string;
  /** The numbers themselves, for the report's table. */
  readonly figures: Readonly<Record<string, number | string>>;
}

/** Records a figure: prints it and writes reports/proof/<id>.json. Call it only after the test's assertions held. */
export function recordProof(figure: ProofFigure): void {
  if (!/^[1-8]-[a-z0-9-]+$/.test(figure.id)) throw new Error(`proof id '${figure.id}' must look like '<point>-<slug>'`);
  mkdirSync(PROOF_DIR, { recursive: true });
  const written = { ...figure, recordedAt: new Date().toISOString(), scale: proofScale() };
  writeFileSync(join(PROOF_DIR, `${figure.id}.json`), `${JSON.stringify(written, null, 2)}\n`);
  console.log(`PROOF ${figure.id}: ${figure.result} (${figure.load})`);
}

export type ProofScale = 'test' | 'report';

export function proofScale(): ProofScale {
  return process.env.TANDEM_PROOF_SCALE === 'report' ? 'report' : 'test';
}

/** The size of a proof's load: `test` under `npm test`, `report` under `npm run proof`. */
export function proofSize(sizes: { test: number; report: number }): number {
  return sizes[proofScale()];
}
