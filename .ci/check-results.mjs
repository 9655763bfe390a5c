// Fails CI when the PostgreSQL, Redis or browser suites did not run: a green run that skipped them would
// hide exactly the behaviour they exist to check.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const tests = report.testResults.flatMap((file) => file.assertionResults);
const problems = [];
for (const tag of ['[postgres]', '[redis]', '[chromium]']) {
  const tagged = tests.filter((test) => test.ancestorTitles.some((title) => title.includes(tag)));
  const passed = tagged.filter((test) => test.status === 'passed').length;
  const notRun = tagged.filter((test) => test.status !== 'passed' && test.status !== 'failed').length;
  console.log(`${tag}: ${passed} passed, ${notRun} not run`);
  if (passed === 0) problems.push(`no ${tag} test ran`);
  if (notRun > 0) problems.push(`${notRun} ${tag} tests were skipped`);
}
if (report.numTotalTests === 0) problems.push('no test ran at all');
if (problems.length) {
  console.error(`CI check failed: ${problems.join('; ')}`);
  process.exit(1);
}
console.log(`${report.numPassedTests} passed, ${report.numFailedTests} failed`);
