/**
 * Counts the run for the closing line CI reads (`N passed, M failed`).
 * Jest prints its own summary after every reporter, so this reporter writes the
 * line to OTP_TEST_SUMMARY_FILE and scripts/test.js prints it once jest has exited.
 */
const fs = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    // A suite that fails to load has no failed tests but must still count as a failure.
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
    if (process.env.OTP_TEST_SUMMARY_FILE) fs.writeFileSync(process.env.OTP_TEST_SUMMARY_FILE, line);
    else process.stdout.write(`\n${line}\n`);
  }
}
module.exports = SummaryReporter;
