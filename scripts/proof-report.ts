/**
 * Writes reports/reliability.md from the figures the proofs recorded
 * (reports/proof/*.json, see test/support/proof.ts): each promise of issue 8,
 * the load or faults applied, and the result, with the machine, the date and
 * the commit. Run by `npm run proof` after the proofs; a point with no figure
 * from this run is listed as missing, never filled in from an older run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../lib/app';
import { PROOF_DIR, type ProofFigure } from '../test/support/proof';

interface RecordedFigure extends ProofFigure {
  readonly recordedAt: string;
  readonly scale: string;
}

interface RoleListing {
  readonly role: string;
  readonly assumedBy: string;
  readonly statements: { effect: string; actions: string[]; resources?: string[]; notResources?: string[] }[];
}

const POINTS: Readonly<Record<number, string>> = {
  1: 'Exactly once under duplicates',
  2: 'No oversell under contention',
  3: 'Faults survived, nothing lost',
  4: 'Bad input never gets in',
  5: 'Access control',
  6: 'Least privilege, checked on the synthesized template',
  7: 'Every retry is bounded and jittered',
  8: 'Data protection',
};

const since = Number(process.argv[2] ?? 0);
const figures = (existsSync(PROOF_DIR) ? readdirSync(PROOF_DIR) : [])
  .filter((f) => /^[1-8]-.+\.json$/.test(f) && f !== '6-roles.json')
  .map((f) => JSON.parse(readFileSync(join(PROOF_DIR, f), 'utf8')) as RecordedFigure)
  .filter((f) => Date.parse(f.recordedAt) >= since)
  .sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim() !== '';
const lines: string[] = [
  '# Reliability and security: the proofs and their figures',
  '',
  `Written on ${new Date().toISOString().slice(0, 10)} from commit \`${commit}\`${dirty ? ' (with uncommitted changes)' : ''}, from figures at ${[...new Set(figures.map((f) => f.scale))].map((scale) => (scale === 'report' ? '`npm run proof` (report) sizes' : '`npm test` sizes')).join(' and ') || 'no'};`,
  `machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}.`,
  'Each figure is recorded by a test of `npm test` (test files `proof-*.test.ts`) once its assertions held;',
  '`npm run proof` runs the same tests with the report sizes. The failure model behind them: docs/failure-model.md.',
  '',
  '| # | promise | load or faults applied | result | size |',
  '|---|---|---|---|---|',
];
for (const point of Object.keys(POINTS).map(Number)) {
  const ofPoint = figures.filter((f) => f.point === point);
  if (ofPoint.length === 0) lines.push(`| ${point} | ${POINTS[point]} | — | **missing: no figure recorded in this run** | — |`);
  for (const f of ofPoint) lines.push(`| ${point} | ${cell(f.promise)} | ${cell(f.load)} | ${cell(f.result)} | ${f.scale} |`);
}
lines.push('', '## The numbers', '');
for (const f of figures) {
  lines.push(`- **${f.id}**: ${Object.entries(f.figures).map(([k, v]) => `${k} ${String(v)}`).join(' · ')}`);
}

const rolesFile = join(PROOF_DIR, '6-roles.json');
if (existsSync(rolesFile) && statSync(rolesFile).mtimeMs >= since) {
  const roles = JSON.parse(readFileSync(rolesFile, 'utf8')) as RoleListing[];
  lines.push('', '## Every role, its actions and resources (point 6)', '', 'Logging and tracing grants (`logs:`, `xray:`) are left out of this table; the proof checks them too.', '');
  lines.push('| role | assumed by | actions | on |', '|---|---|---|---|');
  for (const role of roles) {
    for (const s of role.statements) {
      const actions = s.actions.filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'));
      if (actions.length === 0) continue;
      const on = s.notResources ? `anything but ${s.notResources.join(', ')}` : (s.resources ?? []).join(', ');
      lines.push(`| ${role.role} | ${role.assumedBy} | ${actions.join(', ')} | ${cell(on)} |`);
    }
  }
}
writeFileSync(join(PROJECT_ROOT, 'reports', 'reliability.md'), `${lines.join('\n')}\n`);
const missing = Object.keys(POINTS).filter((p) => !figures.some((f) => f.point === Number(p)));
console.log(`reports/reliability.md: ${figures.length} figures${missing.length ? `; missing points ${missing.join(', ')}` : ''}`);
