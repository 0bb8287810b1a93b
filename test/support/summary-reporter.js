// Prints one plain closing line ("jest: N passed, N failed, N skipped") that CI
// reads to know how many tests ran; jest's own summary has no such line. It is
// written at process exit so that it really is the last line, after jest's
// summary and the global teardown. Before it come the reliability proofs'
// figures recorded in this run (test/support/proof.ts), one line each.
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const PROOF_DIR = join(__dirname, '..', '..', 'reports', 'proof');

function figuresSince(startedAt) {
  let files = [];
  try {
    files = readdirSync(PROOF_DIR).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files
    .map((f) => JSON.parse(readFileSync(join(PROOF_DIR, f), 'utf8')))
    .filter((figure) => Date.parse(figure.recordedAt) >= startedAt)
    .sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests, startTime } = results;
    const figures = figuresSince(startTime);
    const proofLines = figures.length === 0 ? '' : `proofs (${figures.length}):\n${figures.map((f) => `  ${f.id}: ${f.result}\n`).join('')}`;
    const line = `jest: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests + numTodoTests} skipped\n`;
    process.once('exit', () => process.stdout.write(proofLines + line));
  }
}
module.exports = SummaryReporter;
