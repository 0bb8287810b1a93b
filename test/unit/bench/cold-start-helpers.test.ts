/**
 * The cold-start and middleware benchmarks' helpers: a floor constructs the
 * SDK clients it is given, the unbundled build leaves npm packages to
 * node_modules and names the SDK packages a handler loads at init, and every
 * handler module is given its middleware kind.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../../../lib/app';
import { buildFloor, buildUnbundled } from '../../../bench/cold-start-variants';
import { handlerKindOf } from '../../../bench/middleware-kinds';
import { shortName } from '../../../bench/bundle-sizes';

const handlerModules = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return handlerModules(path);
    return name.endsWith('.ts') && /export const handler\b/.test(readFileSync(path, 'utf8')) ? [path] : [];
  });

describe('cold-start variants', () => {
  test('a floor bundles and constructs exactly the clients it is given', async () => {
    const floor = buildFloor(['@aws-sdk/client-sns', '@aws-sdk/lib-dynamodb', '@aws-sdk/util-dynamodb']);
    expect(floor.clients).toBe('client-sns+lib-dynamodb+util-dynamodb');
    const source = readFileSync(floor.moduleFile, 'utf8');
    expect(/require\("@aws-sdk\/(client-|lib-)/.test(source)).toBe(false); // bundled, as the functions are
    process.env.AWS_REGION ??= 'eu-central-1';
    const mod = createRequire(__filename)(floor.moduleFile) as { handler: () => Promise<number> };
    await expect(mod.handler()).resolves.toBe(2); // SNS and the document client; the utility package constructs nothing
  }, 60_000);

  test('the unbundled build keeps npm packages external and names the SDK packages the handler loads at init', () => {
    const { moduleFile, sdkPackages } = buildUnbundled('functions/directory/get-tandem.ts', 'unit-test-get-tandem');
    expect(sdkPackages).toEqual(expect.arrayContaining(['@aws-sdk/client-sns', '@aws-sdk/lib-dynamodb']));
    expect(sdkPackages).not.toContain('@aws-sdk/client-sfn');
    const source = readFileSync(moduleFile, 'utf8');
    expect(/require\("zod"\)/.test(source)).toBe(true);
    expect(/require\("@aws-sdk\/client-sns"\)/.test(source)).toBe(true);
  }, 60_000);
});

describe('middleware kinds', () => {
  test('every handler module of functions/ is built with one of the shared stacks', () => {
    const unclassified = handlerModules(join(PROJECT_ROOT, 'functions'))
      .filter((path) => handlerKindOf(readFileSync(path, 'utf8')) === undefined)
      .map((path) => relative(PROJECT_ROOT, path));
    expect(unclassified).toEqual([]);
  });

  test('the kind is the wrapper the handler export is built with', () => {
    expect(handlerKindOf("export const handler = httpHandler(async () => json(200, {}));")).toBe('api');
    expect(handlerKindOf("export const handler = stepHandler('Plan', plan);")).toBe('step');
    expect(handlerKindOf('export const handler = instrumented<E, R>().handler(go);')).toBe('instrumented');
    expect(handlerKindOf('export const handler = async () => 1; // httpHandler(')).toBeUndefined();
  });

  test('a function is named by its logical id without the construct hash and Function suffix', () => {
    expect(shortName('CustomerRequestsSubmitRequestFunction0F2C13D2')).toBe('CustomerRequestsSubmitRequest');
  });
});
