/**
 * Summarizes the CPU profiles of a throughput run (`node --cpu-prof
 * --cpu-prof-dir <dir> --import tsx bench/local-throughput.ts`; one profile per
 * thread: the main thread and every Lambda worker) into self time per area,
 * only within the measured window the bench prints.
 *
 *   npx tsx bench/throughput-cpu-summary.ts <dir> [<from µs> <to µs>]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface CpuProfile {
  readonly nodes: { id: number; callFrame: { functionName: string; url: string } }[];
  readonly startTime: number;
  readonly samples: number[];
  readonly timeDeltas: number[];
}

/** The area a function belongs to: a runtime module, a package, a handler bundle, V8 itself. */
export function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const runtime = /\/local\/runtime\/([^/]+)\//.exec(url);
  if (runtime) return `local/runtime/${runtime[1]}`;
  if (/\/asset\.[0-9a-f]+\//.test(url)) return 'handler bundles (cdk.out)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `node_modules/${pkg[1]}`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  if (url.includes('/bench/')) return 'bench (load generator)';
  return url.replace(/^file:\/\//, '').split('/').slice(-2).join('/');
}

function main(): void {
  const [dir, from, to] = process.argv.slice(2);
  if (!dir) throw new Error('usage: throughput-cpu-summary.ts <dir> [<from µs> <to µs>]');
  const window = from && to ? { from: Number(from), to: Number(to) } : undefined;
  const byArea = new Map<string, number>();
  let total = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const area = new Map(profile.nodes.map((n) => [n.id, areaOf(n.callFrame.url, n.callFrame.functionName)]));
    let at = profile.startTime;
    profile.samples.forEach((id, i) => {
      const delta = profile.timeDeltas[i] ?? 0;
      at += delta;
      if (window && (at < window.from || at > window.to)) return;
      const name = area.get(id) ?? '(unknown)';
      if (name === '(idle)') return;
      byArea.set(name, (byArea.get(name) ?? 0) + delta / 1000);
      total += delta / 1000;
    });
  }
  console.log(`CPU (ms, self time, all threads, idle excluded): ${total.toFixed(0)}`);
  for (const [name, ms] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${ms.toFixed(0).padStart(8)}  ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${name}`);
}

main();
