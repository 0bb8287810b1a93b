/**
 * The synthesized CDK template is the single source of truth for the local
 * runtime: this module synthesizes the app (the same `buildApp` the CDK CLI
 * runs) and reads the stack template back.
 *
 * Synthesis bundles every function (about 45 s on two cores), so an assembly
 * is kept and reused while nothing it was made from has changed: a stamp in
 * the assembly records a fingerprint of its inputs (every project file that is
 * not a test, doc, cache or build output, see synthesis-inputs.ts) and a hash of
 * each file the synthesis wrote. Any difference in either means synthesizing
 * again, so an assembly is never reused for other sources, and one that was
 * changed or half-written is never trusted.
 */
import { copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { buildApp, PROJECT_ROOT } from '../lib/app';
import { fileHash, inputsChangedSince, synthesisInputs } from './synthesis-inputs';

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

export interface StackTemplate {
  readonly stackName: string;
  readonly resources: Record<string, CfnResource>;
}

export const DEFAULT_OUTDIR = join(PROJECT_ROOT, 'cdk.out');

/** Written last, after a synthesis succeeded; its absence means "synthesize". */
export const SYNTHESIS_STAMP = 'tandem-synthesis.json';

/** Bump when the stamp's meaning changes, so older stamps are not trusted. */
const STAMP_FORMAT = 1;

interface SynthesisStamp {
  readonly format: number;
  readonly inputs: string;
  readonly stackName: string;
  /** sha256 of each file the synthesis wrote, by path relative to the assembly. */
  readonly outputs: Record<string, string>;
}

/**
 * Synthesizes the app into `outdir` and returns the stack's template — or, when
 * `outdir` holds an assembly synthesized from the same inputs and context and
 * unchanged since, returns that one's template without synthesizing (`reused`).
 */
export function synthesize(outdir: string = DEFAULT_OUTDIR, context: Record<string, unknown> = {}): StackTemplate & { readonly reused: boolean } {
  const inputs = synthesisInputs(context);
  const kept = reusableStack(outdir, inputs);
  if (kept) return { ...readStackTemplate(outdir, kept), reused: true };
  // Removed first: a synthesis that fails or is interrupted leaves no stamp behind.
  rmSync(join(outdir, SYNTHESIS_STAMP), { force: true });
  const { app, stack } = buildApp({ outdir, context });
  app.synth();
  // `inputs` was taken before synthesizing: a file edited meanwhile makes the next fingerprint differ.
  const stamp: SynthesisStamp = { format: STAMP_FORMAT, inputs, stackName: stack.stackName, outputs: assemblyOutputs(outdir, stack.stackName) };
  writeFileSync(join(outdir, SYNTHESIS_STAMP), `${JSON.stringify(stamp, null, 2)}\n`);
  return { ...readStackTemplate(outdir, stack.stackName), reused: false };
}

/**
 * Makes `from`, an assembly of this project another synthesis made (the infra
 * tests' global setup), the stamped assembly in `outdir`, so the next
 * `synthesize(outdir)` (e.g. `npm start`) reuses it — but only when it provably
 * is the synthesis of the current inputs: no input file or folder has changed
 * since `synthesisBegan` (their ctime, which no tool can set back, is older).
 * Returns whether `outdir` now holds it.
 */
export function adoptAssembly(from: string, stackName: string, synthesisBegan: number, outdir: string = DEFAULT_OUTDIR, context: Record<string, unknown> = {}): boolean {
  // The fingerprint first, then the check: what it hashed was unchanged from the synthesis until after hashing.
  const inputs = synthesisInputs(context);
  if (!(synthesisBegan > 0) || inputsChangedSince(synthesisBegan)) return false;
  if (reusableStack(outdir, inputs) === stackName) return true;
  rmSync(join(outdir, SYNTHESIS_STAMP), { force: true });
  cpSync(from, outdir, { recursive: true, force: true });
  const stamp: SynthesisStamp = { format: STAMP_FORMAT, inputs, stackName, outputs: assemblyOutputs(outdir, stackName) };
  writeFileSync(join(outdir, SYNTHESIS_STAMP), `${JSON.stringify(stamp, null, 2)}\n`);
  return true;
}

/**
 * Copies the stamped assembly in `from` (its stamp and the files it names, not
 * older assets beside them) into the empty folder `to`, where `synthesize(to)`
 * checks it like any kept assembly: reused if it is of the current inputs and
 * arrived intact, synthesized afresh otherwise. Nothing is copied without a stamp.
 */
export function copyKeptAssembly(from: string, to: string): void {
  let stamp: SynthesisStamp;
  try {
    stamp = JSON.parse(readFileSync(join(from, SYNTHESIS_STAMP), 'utf8')) as SynthesisStamp;
  } catch {
    return;
  }
  if (stamp.format !== STAMP_FORMAT || !stamp.outputs) return;
  try {
    for (const path of Object.keys(stamp.outputs)) {
      mkdirSync(dirname(join(to, path)), { recursive: true });
      copyFileSync(join(from, path), join(to, path));
    }
    copyFileSync(join(from, SYNTHESIS_STAMP), join(to, SYNTHESIS_STAMP));
  } catch {
    rmSync(join(to, SYNTHESIS_STAMP), { force: true }); // a file it names is gone: synthesize
  }
}

export function readStackTemplate(outdir: string, stackName: string): StackTemplate {
  const path = join(outdir, `${stackName}.template.json`);
  const template = JSON.parse(readFileSync(path, 'utf8')) as { Resources?: Record<string, CfnResource> };
  return { stackName, resources: template.Resources ?? {} };
}

/** The stack the assembly in `outdir` holds, if its stamp matches `inputs` and every file it recorded is unchanged. */
function reusableStack(outdir: string, inputs: string): string | undefined {
  const stampPath = join(outdir, SYNTHESIS_STAMP);
  if (!existsSync(stampPath)) return undefined;
  let stamp: SynthesisStamp;
  try {
    stamp = JSON.parse(readFileSync(stampPath, 'utf8')) as SynthesisStamp;
  } catch {
    return undefined;
  }
  if (stamp.format !== STAMP_FORMAT || stamp.inputs !== inputs || !stamp.outputs) return undefined;
  const current = (() => {
    try {
      return assemblyOutputs(outdir, stamp.stackName);
    } catch {
      return undefined; // a file the stamp names is gone
    }
  })();
  const recorded = Object.entries(stamp.outputs);
  if (!current || recorded.length === 0 || recorded.length !== Object.keys(current).length) return undefined;
  return recorded.every(([path, sha]) => current[path] === sha) ? stamp.stackName : undefined;
}

/**
 * What the local runtime reads of an assembly: its top-level files (template,
 * manifests) and the asset folders the stack's asset manifest names — not
 * older assets a previous synthesis left in the same folder.
 */
function assemblyOutputs(outdir: string, stackName: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const add = (path: string) => (outputs[relative(outdir, path).split(sep).join('/')] = fileHash(path));
  for (const entry of readdirSync(outdir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name !== SYNTHESIS_STAMP) add(join(outdir, entry.name));
  }
  const assets = JSON.parse(readFileSync(join(outdir, `${stackName}.assets.json`), 'utf8')) as { files?: Record<string, { source?: { path?: string } }> };
  for (const file of Object.values(assets.files ?? {})) {
    const source = file.source?.path;
    if (!source) continue;
    const path = join(outdir, source);
    if (statSync(path).isDirectory()) for (const inner of filesUnder(path)) add(inner);
    else add(path);
  }
  return outputs;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : lstatSync(path).isFile() ? [path] : [];
  });
}

