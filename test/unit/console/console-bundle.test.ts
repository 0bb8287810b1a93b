/** npm start refuses to run without the console's bundle, and says how to build it. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertConsoleBuilt, missingConsoleAssets } from '../../../local/console/console-bundle';

test('a missing bundle is named with the command that builds it', () => {
  const dist = mkdtempSync(join(tmpdir(), 'console-dist-'));
  writeFileSync(join(dist, 'main.js'), '');
  expect(missingConsoleAssets(dist)).toEqual(['console.css']);
  expect(() => assertConsoleBuilt(dist)).toThrow(`the operations console is not built (${join(dist, 'console.css')} missing); run npm run build:console (npm ci and npm install run it)`);
  writeFileSync(join(dist, 'console.css'), '');
  expect(() => assertConsoleBuilt(dist)).not.toThrow();
});
