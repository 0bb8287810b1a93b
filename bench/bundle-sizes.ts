/**
 * The size of every Lambda function's bundle, read from a cloud assembly: the
 * template's AWS::Lambda::Function resources, their code assets (through the
 * stack's asset manifest) and the source entry each was bundled from (the
 * `tandem:entry` metadata lib/functions/tandem-function.ts writes). Used by the
 * cold-start benchmark and by the bundle-size budgets.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ENTRY_METADATA } from '../lib/functions/tandem-function';
import { DEFAULT_OUTDIR } from '../local/cloud-assembly';

export interface BundleSize {
  /** The function's logical id in the template. */
  readonly functionId: string;
  /** Its logical id without the construct hash and the `Function` suffix, e.g. `CustomerRequestsSubmitRequest`. */
  readonly name: string;
  /** The TypeScript module it was bundled from, relative to the project, e.g. `functions/customer-request/submit-request.ts`. */
  readonly entry: string;
  /** The bundle's folder in the assembly. */
  readonly codeDir: string;
  /** The bundled module Lambda loads (`index.js` or `index.mjs`). */
  readonly moduleFile: string;
  /** Bytes of the bundled module (minified). */
  readonly bytes: number;
  /** Bytes of the bundled module gzipped: about what the deployment zip holds for it. */
  readonly gzipBytes: number;
  /** Bytes of every file in the bundle's folder (with source maps, if any). */
  readonly folderBytes: number;
}

interface TemplateFunction {
  readonly Type: string;
  readonly Metadata?: Record<string, unknown>;
  readonly Properties?: { readonly Code?: { readonly S3Key?: unknown }; readonly Handler?: unknown };
}

/** The one stack template of the assembly in `cdkOutDir`. */
export function stackTemplateName(cdkOutDir: string): string {
  const templates = readdirSync(cdkOutDir).filter((f) => f.endsWith('.template.json'));
  if (templates.length !== 1) throw new Error(`${cdkOutDir} holds ${templates.length} stack templates; expected one (run npx cdk synth --quiet)`);
  return templates[0]!.replace(/\.template\.json$/, '');
}

export function bundleSizes(cdkOutDir: string = DEFAULT_OUTDIR): BundleSize[] {
  const stackName = stackTemplateName(cdkOutDir);
  const template = JSON.parse(readFileSync(join(cdkOutDir, `${stackName}.template.json`), 'utf8')) as { Resources?: Record<string, TemplateFunction> };
  const assets = JSON.parse(readFileSync(join(cdkOutDir, `${stackName}.assets.json`), 'utf8')) as { files?: Record<string, { source?: { path?: string } }> };
  return Object.entries(template.Resources ?? {})
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
    .map(([functionId, r]) => {
      const s3Key = r.Properties?.Code?.S3Key;
      const assetPath = typeof s3Key === 'string' ? assets.files?.[s3Key.replace(/\.zip$/, '')]?.source?.path : undefined;
      if (!assetPath) throw new Error(`${functionId}: its code is not an asset of ${cdkOutDir}`);
      const entry = r.Metadata?.[ENTRY_METADATA];
      if (typeof entry !== 'string') throw new Error(`${functionId}: no ${ENTRY_METADATA} metadata (not a TandemFunction?)`);
      const codeDir = join(cdkOutDir, assetPath);
      const moduleFile = join(codeDir, handlerModule(codeDir, typeof r.Properties?.Handler === 'string' ? r.Properties.Handler : 'index.handler'));
      const source = readFileSync(moduleFile);
      const folderBytes = readdirSync(codeDir).reduce((sum, f) => sum + statSync(join(codeDir, f)).size, 0);
      return { functionId, name: shortName(functionId), entry, codeDir, moduleFile, bytes: source.length, gzipBytes: gzipSync(source).length, folderBytes };
    });
}

/** `index.handler` → `index.js`, or `index.mjs` when the bundle is an ES module file. */
function handlerModule(codeDir: string, handler: string): string {
  const base = handler.slice(0, handler.lastIndexOf('.'));
  const files = readdirSync(codeDir);
  const found = [`${base}.js`, `${base}.mjs`, `${base}.cjs`].find((f) => files.includes(f));
  if (!found) throw new Error(`${codeDir}: no module for handler ${handler}`);
  return found;
}

/** `CustomerRequestsSubmitRequestFunction0F2C13D2` → `CustomerRequestsSubmitRequest`. */
export function shortName(functionId: string): string {
  return functionId.replace(/[0-9A-F]{8}$/, '').replace(/Function$/, '');
}
