// `npm run mutation [module ...]`: StrykerJS on each security-critical module in turn (stryker.config.mjs), one at a
// time to spare the CPU. A module under its threshold (90%) fails the run; the reports stay in reports/mutation/.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const { modules } = await import('../stryker.config.mjs');
const wanted = process.argv.slice(2);
const unknown = wanted.filter((m) => !(m in modules));
if (unknown.length) {
  console.error(`Unknown module(s) ${unknown.join(', ')}: choose from ${Object.keys(modules).join(', ')}`);
  process.exit(2);
}

const results = [];
for (const name of wanted.length ? wanted : Object.keys(modules)) {
  console.log(`\n=== mutation testing: ${name} ===`);
  const run = spawnSync('npx', ['stryker', 'run', 'stryker.config.mjs'], { stdio: 'inherit', env: { ...process.env, MUTATION_MODULE: name } });
  let score = 'n/a';
  try {
    const report = JSON.parse(readFileSync(`reports/mutation/${name}/mutation.json`, 'utf8'));
    const counts = { killed: 0, survived: 0, timeout: 0, noCoverage: 0 };
    for (const file of Object.values(report.files))
      for (const m of file.mutants) {
        if (m.status === 'Killed') counts.killed++;
        else if (m.status === 'Timeout') counts.timeout++;
        else if (m.status === 'Survived') counts.survived++;
        else if (m.status === 'NoCoverage') counts.noCoverage++;
      }
    const detected = counts.killed + counts.timeout;
    const valid = detected + counts.survived + counts.noCoverage;
    score = `${((100 * detected) / valid).toFixed(2)}% (${detected}/${valid}; ${counts.survived} survived, ${counts.noCoverage} no coverage)`;
  } catch {
    // No report: Stryker failed before writing one; its exit code says so.
  }
  results.push({ name, ok: run.status === 0, score });
}

console.log('\nmodule          result  score');
for (const r of results) console.log(`${r.name.padEnd(15)} ${r.ok ? 'pass  ' : 'FAIL  '}  ${r.score}`);
console.log('\nReports: reports/mutation/<module>/index.html; equivalent survivors: docs/mutation-notes.md');
process.exit(results.every((r) => r.ok) ? 0 : 1);
