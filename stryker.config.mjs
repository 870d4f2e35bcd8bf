// @ts-check
import { readFileSync } from 'node:fs';

/**
 * StrykerJS on the security-critical modules (issue 19), one module per run: `npm run mutation [module ...]`
 * (scripts/mutation.ts) sets MUTATION_MODULE. Each module names the files to mutate and the focused tests that must
 * kill the mutants. Tests that need the app start their own host in the test worker (startLocalHost): vitest's
 * globalSetup runs in the main process, where no mutant is ever active, so tests relying on it could not see them.
 * Equivalent survivors, with reasons: docs/mutation-notes.md.
 */

/** Lines from the first line matching `from` to the end of the file (the registry's functions, not its data). */
function linesFrom(file, from) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((l) => from.test(l));
  if (start < 0) throw new Error(`${file}: no line matches ${from}`);
  return `${file}:${start + 1}-${lines.length}`;
}

/**
 * Lines from the first line matching `from` up to (not including) the next line after it matching `to`: one function
 * or block of a file whose other parts are not what the module is about. Found by pattern, so edits elsewhere do not
 * shift the range.
 */
function linesBetween(file, from, to) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((l) => from.test(l));
  if (start < 0) throw new Error(`${file}: no line matches ${from}`);
  const end = lines.findIndex((l, i) => i > start && to.test(l));
  if (end < 0) throw new Error(`${file}: no line after ${from} matches ${to}`);
  return `${file}:${start + 1}-${end}`;
}

/** Each line matching `pattern`, as a one-line range (an access check inside a function that does much else). */
function linesMatching(file, pattern) {
  const ranges = readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((l, i) => (pattern.test(l) ? [`${file}:${i + 1}-${i + 1}`] : []));
  if (ranges.length === 0) throw new Error(`${file}: no line matches ${pattern}`);
  return ranges;
}

/** @type {Record<string, { mutate: string[]; tests: string[] }>} */
export const modules = {
  acl: {
    mutate: ['shared/acl/capabilities.ts', 'shared/acl/authorize.ts'],
    tests: ['shared/acl/capabilities.test.ts', 'shared/acl/authorize.test.ts'],
  },
  'personal-code': {
    mutate: ['shared/personal-codes/personal-code.ts'],
    tests: ['shared/personal-codes/personal-code.test.ts'],
  },
  payments: {
    mutate: ['shared/payments/inbound.ts', 'shared/payments/mac.ts'],
    tests: ['shared/payments/inbound.test.ts', 'shared/payments/mac.test.ts', 'test/payments-inbound.e2e.test.ts'],
  },
  licences: {
    mutate: ['shared/store/licences.ts'],
    tests: ['shared/store/licences.test.ts', 'shared/store/refunds.test.ts'],
  },
  // Issue 18: the automatic checker decides students' scores; the sniffer decides what a browser may be handed.
  content: {
    mutate: ['shared/content/checker.ts'],
    tests: ['shared/content/checker.test.ts', 'shared/content/checker-cases.test.ts'],
  },
  'materials-sniff': {
    mutate: ['shared/materials/sniff.ts'],
    tests: ['shared/materials/sniff.test.ts'],
  },
  // The registry's declarations are data checked by their own tests (infra, export, erasure); its logic is mutated.
  registry: {
    mutate: [linesFrom('shared/privacy/registry.ts', /^\/\*\* Problems that make a registry unusable/)],
    tests: ['shared/privacy/registry.test.ts', 'shared/privacy/registry-anonymise.test.ts'],
  },
  // Issue 19: who may read and write a journal, its tasks, answers and feedback (ACL-1..4, LRN-1..3). Only the access
  // decisions are mutated (the relation to a journal, the roles each operation accepts, the checks that an answer or a
  // task belongs to the journal in the path), not the grading or statistics arithmetic around them.
  'learning-access': {
    mutate: [
      linesBetween('shared/learning/journals.ts', /^const holds = /, /^export function journalView/),
      linesBetween('shared/learning/journals.ts', /^export async function readJournal\(/, /^export interface JournalChange/),
      linesBetween('shared/learning/journals.ts', /^export async function changeJournal\(/, /const newPeople = \[/),
      linesBetween('shared/learning/journals.ts', /^export async function journalPage\(/, /^\/\*\*$/),
      linesBetween(
        'shared/learning/journals.ts',
        /if \(!grants\.some\(\(g\) => g\.role === 'schoolAdmin'\)\)/,
        /const rows = await pageOf<JournalDoc>/,
      ),
      'shared/learning/journal-ids.ts',
      linesBetween('shared/learning/tasks.ts', /^export async function readStudentTask\(/, /^ \* What was sent to a student/),
      linesBetween('shared/learning/tasks.ts', /^export async function readJournalTask\(/, /^}$/),
      ...linesMatching('shared/learning/answers.ts', /await readJournal\(|current\.journalId !== journalId|answer\.journalId !== journalId/),
      ...linesMatching('shared/learning/stats.ts', /await readJournal\(/),
    ],
    tests: ['shared/learning/access.test.ts', 'shared/learning/learning.test.ts'],
  },
  // Issue 19: school licences and what they give each member (STORE-4, ACC-4): seats, periods, the revision that makes
  // a repeated fan-out change nothing. The input schemas at the top of school-licences.ts are left to the route tests.
  'school-entitlements': {
    mutate: ['shared/store/school-entitlements.ts', linesFrom('shared/store/school-licences.ts', /^export function schoolLicenceView/)],
    tests: ['shared/store/school-entitlements-load.test.ts', 'shared/store/school-entitlements.test.ts', 'shared/store/school-licences.test.ts'],
  },
  // Issue 19, fifth session: data-subject requests (PRIV-7): the state machine, who controls a request, the steps a new
  // one takes at once, one open request of a type per person, and who may move a request where. Not the projections,
  // e-mails, paging or the fulfilment plumbing around them.
  rights: {
    mutate: [
      linesBetween('shared/rights/model.ts', /^const allowedMoves: /, /^\/\*\* In whose capacity/),
      ...linesMatching('shared/rights/model.ts', /^export const effectiveDueAt = /),
      linesBetween('shared/rights/model.ts', /^export const requestIdFor = /, /^const transitionViewSchema = /),
      ...linesMatching('shared/rights/requests.ts', /^const PLATFORM_TYPES: /),
      linesBetween('shared/rights/requests.ts', /^function controllerFor\(/, /^function queueEntryOf\(/),
      linesBetween('shared/rights/requests.ts', /^async function claimOpenSlot\(/, /^\/\*\* Opens a data-subject request/),
      linesBetween('shared/rights/requests.ts', /^function refuseMove\(/, /^\/\*\* One step of the state machine/),
      linesBetween('shared/rights/requests.ts', /^export async function moveRequest\(/, /^ {2}if \(!updated\) throw/),
    ],
    tests: ['shared/rights/model.test.ts', 'shared/rights/requests.test.ts'],
  },
  // Issue 19, fifth session: the unsubscribe link's token (MKT-1, PRIV-6: it withdraws a consent without signing in)
  // and who may close which account (PRIV-8, RET-9). Not the consent writes, pages or the queued rest of a closure.
  'consents-unsubscribe': {
    mutate: [
      linesBetween('shared/consents/unsubscribe.ts', /^const macOf = /, /^\/\*\* GET of the link/),
      linesBetween('shared/consents/closure.ts', /^const closureView = /, /^\/\*\* What the closure queue gets/),
      linesBetween('shared/consents/closure.ts', /^const queueClosureWork = /, /^\/\*\*$/),
      linesBetween('shared/consents/closure.ts', /^async function close\(/, /^\/\*\*$/),
      linesFrom('shared/consents/closure.ts', /^export async function closeOwnAccount\(/),
    ],
    tests: ['shared/consents/unsubscribe.test.ts', 'shared/consents/closure.test.ts'],
  },
  // Issue 19, fifth session: the app-signed download link of a data export (PRIV-5): signing, verification, expiry, and
  // the link's lifetime in the requester's view. Not the export job that builds the zip.
  'export-link': {
    mutate: [
      linesBetween('shared/privacy/export-job.ts', /^const downloadName = /, /^\/\/ The job$/),
      ...linesMatching('shared/privacy/export-job.ts', /const linkExpires = |^ {2}if \(job\.status !== 'ready' \|\| expired/),
    ],
    tests: ['shared/privacy/export-link.test.ts'],
  },
  // Issue 19, sixth session: small-cell suppression of statistics (STAT-1, STAT-2, ACL-8): which cells and totals a
  // report may show. Not the reports that read the aggregates.
  'stats-suppress': {
    mutate: ['shared/statistics/suppress.ts'],
    tests: ['shared/statistics/suppress.test.ts', 'shared/statistics/suppress-cases.test.ts'],
  },
  // Issue 19, sixth session: SendGrid's signed event webhook (MKT-1, MKT-2): the signature and its freshness, which
  // events suppress an address or withdraw a consent, and the queued work.
  'sendgrid-webhook': {
    mutate: ['shared/marketing/webhook.ts'],
    tests: ['shared/marketing/webhook.test.ts', 'shared/marketing/webhook-events.test.ts'],
  },
  // Issue 19, sixth session: what erasure leaves of a document it keeps (PRIV-3): the registry's anonymise entries
  // applied, ids naming the person re-keyed.
  anonymise: {
    mutate: ['shared/privacy/anonymise.ts'],
    tests: ['shared/privacy/anonymise.test.ts'],
  },
  // Issue 19, sixth session: the erasure pipeline's decisions (PRIV-3, RET-4): which registry types an order erases,
  // what each found document counts as (deleted, anonymised, held until when), the order of the steps (the account
  // last), and the evidence. Not the checkpointing and batching plumbing (its resume test is end to end).
  erasure: {
    mutate: [
      linesBetween('shared/erasure/erase.ts', /^const personal = /, /^\/\*\* Runs `work` over the items/),
      linesBetween('shared/erasure/erase.ts', /^function evidenceOf\(/, /^(export )?const evidenceView = /),
    ],
    // Against the embedded Cosmos server in the worker: the e2e file took about 40 s a mutant on its own host.
    tests: ['shared/erasure/erase.test.ts'],
  },
  // Issue 19, seventh session: the usage pipeline's decisions (LOG-1, STAT-1, STAT-2): how a batch's change reaches a
  // count cell exactly once (the group committer: markers in the cell's transactional batch, conflicts, redeliveries)
  // and what of a posted batch counts (plausible.ts: works the reader could open, known chapters, bounded seconds).
  events: {
    mutate: [linesFrom('shared/events/aggregates.ts', /^export function applyChange\(/), 'shared/events/plausible.ts'],
    tests: ['shared/events/cell-commit.test.ts', 'shared/events/cell-commit-cases.test.ts', 'shared/events/plausible.test.ts'],
  },
  // The session life cycle runs against the embedded Cosmos server in the test worker (session-lifecycle.test.ts). Not
  // test/auth-providers.e2e.test.ts: listed with these, Stryker lost the per-test coverage of the other files (their
  // mutants all "no coverage"); the unit files cover what it did.
  sessions: {
    mutate: ['shared/auth/sessions.ts', 'shared/auth/session-token.ts'],
    tests: [
      'shared/auth/session-token.test.ts',
      'shared/auth/sessions.test.ts',
      'shared/auth/session-lifecycle.test.ts',
      'shared/auth/session-revocations.test.ts',
    ],
  },
};

const name = process.env.MUTATION_MODULE ?? 'acl';
const module = modules[name];
if (!module) throw new Error(`Unknown MUTATION_MODULE ${name}: one of ${Object.keys(modules).join(', ')}`);
// Read by vitest.mutation.config.ts in Stryker's worker processes (they inherit the environment).
process.env.MUTATION_TESTS = module.tests.join(',');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  // Not `testFiles`: with it, Stryker 9.6.1 activates static mutants (the capability table, evaluated at import) only
  // after the module loaded, so they all "survive" (stryker-js#6144). vitest.mutation.config.ts picks the files instead.
  mutate: module.mutate,
  coverageAnalysis: 'perTest',
  // Two cores shared with other work: one test worker.
  concurrency: 1,
  timeoutMS: 20_000,
  dryRunTimeoutMinutes: 10,
  thresholds: { high: 95, low: 90, break: 90 },
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${name}/index.html` },
  jsonReporter: { fileName: `reports/mutation/${name}/mutation.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  // MUTATION_INCREMENTAL=1 reuses the last results of unchanged mutants and tests (quicker while writing tests; a
  // change of this config is not noticed, so the scores to report come from a full run).
  incremental: process.env.MUTATION_INCREMENTAL === '1',
  incrementalFile: `reports/mutation/${name}/incremental.json`,
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['reports', 'dist', '.local', 'bench/last.json', 'coverage'],
  cleanTempDir: 'always',
};
