import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { synthesisInputs } from '../../local/synthesis-inputs';

// A kept assembly is reused only while this fingerprint is unchanged: everything a synthesis reads must move it.
let root: string;

const write = (path: string, content: string) => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
};

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'synthesis-inputs-'));
  write('cdk.json', JSON.stringify({ app: 'npx tsx bin/app.ts', context: { stage: 'dev' } }));
  write('package-lock.json', '{"lockfileVersion":3}');
  write('tsconfig.json', '{}');
  write('bin/app.ts', 'buildApp();');
  write('lib/stack.ts', 'export class Stack {}');
  write('functions/handler.ts', 'export const handler = 1;');
  write('workflows/states.ts', 'export const states = [];');
  write('test/unit/stack.test.ts', 'test("x", () => {});');
  write('docs/decisions.md', '# Decisions');
  write('node_modules/esbuild/package.json', '{"version":"1"}');
  write('cdk.out/manifest.json', '{}');
  write('.cache/tmp/file', 'x');
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

test.each([
  ['a source of the stack changes', () => write('lib/stack.ts', 'export class Stack { x = 1 }')],
  ['a function changes', () => write('functions/handler.ts', 'export const handler = 2;')],
  ['a file is added to a function folder', () => write('functions/shared/new.ts', 'export {};')],
  ['a workflow definition changes', () => write('workflows/states.ts', 'export const states = [1];')],
  ['the installed packages change (package-lock.json)', () => write('package-lock.json', '{"lockfileVersion":3,"x":1}')],
  ['cdk.json changes (feature flags)', () => write('cdk.json', JSON.stringify({ context: { stage: 'dev', flag: true } }))],
  ['a file is renamed', () => (rmSync(join(root, 'lib/stack.ts')), write('lib/stack2.ts', 'export class Stack {}'))],
])('the fingerprint changes when %s', (_, change) => {
  const before = synthesisInputs({}, root);
  change();
  expect(synthesisInputs({}, root)).not.toBe(before);
});

test.each([
  ['a test changes', () => write('test/unit/stack.test.ts', 'test("y", () => {});')],
  ['a doc changes', () => write('docs/decisions.md', '# Decisions, edited')],
  ['a cloud assembly is written', () => write('cdk.out/manifest.json', '{"version":"2"}')],
  ['the cache changes', () => write('.cache/tmp/other', 'y')],
])('the fingerprint stays when %s', (_, change) => {
  const before = synthesisInputs({}, root);
  change();
  expect(synthesisInputs({}, root)).toBe(before);
});

test('extra context counts by its effect: cdk.json already says stage dev, prod is another app', () => {
  expect(synthesisInputs({ stage: 'dev' }, root)).toBe(synthesisInputs({}, root));
  expect(synthesisInputs({ stage: 'prod' }, root)).not.toBe(synthesisInputs({}, root));
});
