// Prints one plain closing line ("jest: N passed, N failed, N skipped") that CI
// reads to know how many tests ran; jest's own summary has no such line. It is
// written at process exit so that it really is the last line, after jest's
// summary and the global teardown.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests } = results;
    const line = `jest: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests + numTodoTests} skipped\n`;
    process.once('exit', () => process.stdout.write(line));
  }
}
module.exports = SummaryReporter;
