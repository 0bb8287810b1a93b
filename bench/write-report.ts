/**
 * `npm run bench`, last step: reports/bench.json and reports/bench.md from the
 * parts this run wrote (reports/bench/<part>.json), with the machine, the date
 * and the commit. A part missing from the run is named as missing, never
 * filled in from an earlier one.
 *
 *   npx tsx bench/write-report.ts <sinceMs> <part> [<part> …]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../lib/app';
import { BENCH_DIR, round, type BenchFigure, type BenchPart } from './bench-part';

interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
}

function git(...args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function machine(): Machine {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

function targetCell(f: BenchFigure): string {
  if (!f.target) return '';
  return `${f.target.text}: ${f.met ? 'met' : '**not met**'}`;
}

/** Unmet targets grouped by the target's words (without the figure in parentheses): "≤ 1 s (1 of 3)". */
function byTarget(targets: readonly BenchFigure[], unmet: readonly BenchFigure[]): string {
  const kind = (f: BenchFigure) => (f.target?.text ?? '').replace(/\s*\([^)]*\)/g, '');
  const counts = new Map<string, { unmet: number; all: number }>();
  for (const f of targets) {
    const c = counts.get(kind(f)) ?? { unmet: 0, all: 0 };
    counts.set(kind(f), { unmet: c.unmet + (unmet.includes(f) ? 1 : 0), all: c.all + 1 });
  }
  return [...counts.entries()].filter(([, c]) => c.unmet > 0).map(([text, c]) => `${text} (${c.unmet} of ${c.all})`).join('; ');
}

function partMarkdown(part: BenchPart): string {
  const lines = [`## ${part.title}`, ''];
  if (part.figures.length > 0) {
    lines.push('| figure | median | spread (min – p95 – max) | n | unit | target |', '|---|---|---|---|---|---|');
    for (const f of part.figures) {
      const s = f.spread;
      lines.push(`| ${f.label} | ${round(f.median)} | ${round(s.min)} – ${round(s.p95)} – ${round(s.max)} | ${s.runs} | ${f.unit} | ${targetCell(f)} |`);
    }
    lines.push('');
  }
  for (const table of part.tables ?? []) lines.push(`### ${table.title}`, '', table.markdown, '');
  for (const note of part.notes ?? []) lines.push(`- ${note}`);
  return lines.join('\n').trimEnd();
}

function main(): void {
  const [sinceArg, ...parts] = process.argv.slice(2);
  const since = Number(sinceArg);
  if (!Number.isFinite(since) || parts.length === 0) throw new Error('usage: write-report.ts <sinceMs> <part> [<part> …]');
  const found: BenchPart[] = [];
  const missing: string[] = [];
  for (const name of parts) {
    const file = join(BENCH_DIR, `${name}.json`);
    // Only a part written by this run counts.
    if (existsSync(file) && statSync(file).mtimeMs >= since) found.push(JSON.parse(readFileSync(file, 'utf8')) as BenchPart);
    else missing.push(name);
  }
  const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
  const header = {
    date: new Date().toISOString(),
    commit: `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' (with uncommitted changes)' : ''}`,
    machine: machine(),
  };
  const targets = found.flatMap((p) => p.figures.filter((f) => f.target));
  const unmet = targets.filter((f) => !f.met);
  writeFileSync(join(PROJECT_ROOT, 'reports', 'bench.json'), `${JSON.stringify({ ...header, parts: found, missing }, null, 2)}\n`);
  const m = header.machine;
  const md = [
    '# Tandem 360 benchmarks (`npm run bench`)',
    '',
    `Run ${header.date} on commit ${header.commit}: ${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}.`,
    'Each figure is the median over repeated runs, with its spread; timings are measured here and never asserted in tests',
    '(the deterministic figures are budgets in `bench/budgets.json`, checked by `npm test`).',
    '',
    `Targets of issue 9: ${targets.length - unmet.length} of ${targets.length} met${unmet.length ? ` — not met: ${byTarget(targets, unmet)}` : ''}.`,
    ...(missing.length ? ['', `**Missing from this run:** ${missing.join(', ')} (the part failed or was not run).`] : []),
    '',
    ...found.map(partMarkdown).flatMap((s) => [s, '']),
  ].join('\n');
  writeFileSync(join(PROJECT_ROOT, 'reports', 'bench.md'), md.trimEnd() + '\n');
  console.log(`reports/bench.md and reports/bench.json: ${found.length} parts, ${targets.length - unmet.length}/${targets.length} targets met${missing.length ? `, missing ${missing.join(', ')}` : ''}`);
}

main();
