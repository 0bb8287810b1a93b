/**
 * How every function is bundled (lib/functions/tandem-function.ts), and the
 * same settings as esbuild options for the tools that build beside it: the
 * cold-start benchmark's floors and unbundled loads, and the least-privilege
 * proof's reading of a function's SDK calls. docs/bundling.md gives the
 * measurements behind each choice.
 */
import type { BuildOptions } from 'esbuild';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

export const TANDEM_BUNDLING = {
  format: OutputFormat.CJS,
  minify: true,
  // Error classes are matched by name (Step Functions Retry/Catch, logs): minification must keep them.
  keepNames: true,
  // A map is only read with --enable-source-maps, which slows every cold start; keepNames keeps stack traces readable.
  sourceMap: false,
  target: 'node24',
  // The SDK is bundled, tree-shaken from its ES module build: faster to load than the runtime's copy from node_modules.
  bundleAwsSDK: true,
  mainFields: ['module', 'main'],
} as const satisfies BundlingOptions;

/** The esbuild options NodejsFunction runs for TANDEM_BUNDLING (entry and output aside). */
export function tandemEsbuildOptions(projectRoot: string): BuildOptions {
  const b: BundlingOptions = TANDEM_BUNDLING;
  return {
    bundle: true,
    platform: 'node',
    format: b.format === OutputFormat.ESM ? 'esm' : 'cjs',
    minify: b.minify ?? false,
    keepNames: b.keepNames ?? false,
    ...(b.target ? { target: b.target } : {}),
    external: b.externalModules ? [...b.externalModules] : b.bundleAwsSDK ? [] : ['@aws-sdk/*'],
    ...(b.mainFields ? { mainFields: [...b.mainFields] } : {}),
    ...(b.sourceMap ? { sourcemap: true, sourcesContent: b.sourcesContent ?? true } : {}),
    ...(b.banner ? { banner: { js: b.banner } } : {}),
    absWorkingDir: projectRoot,
    logLevel: 'error',
  };
}
