// Prints the plain closing line CI reads: "tests: N passed, N failed, N skipped".
// A skipped test counts as a failure here: the suite must run every test it has.
import { readFileSync } from 'node:fs';

const results = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const passed = results.numPassedTests;
const failed = results.numFailedTests;
const skipped = results.numPendingTests + results.numTodoTests;
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0 || skipped > 0 || passed === 0) process.exit(1);
