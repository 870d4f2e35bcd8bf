import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AccountDoc } from '../shared/accounts/index.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { withOperationCounter } from '../shared/platform/operations.js';
import { countSubjectDocuments, exportableTypes, subjectDocuments } from '../shared/privacy/subject-documents.js';
import { documentOf, everyTypeFor, personFor, writeAll } from './erasure-fixtures.js';

/**
 * Issue 11, PRIV-1: what-we-hold counts the person's documents with narrow queries (one per partition, only the fields
 * that tie a row to the person) instead of reading them as the export does; the counts must be the export's, type by
 * type, on the real store (embedded Cosmos), for people who share a school, a publisher and an invoice year.
 */
let host: LocalHost;

beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false });
}, 60_000);
afterAll(async () => host?.close());

const A = personFor('acc-count-a', 31);
const B = personFor('acc-count-b', 32);
const PARENT = personFor('acc-count-parent', 33);

async function exportCounts(accountId: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for await (const found of subjectDocuments(host.services, accountId)) counts.set(found.spec.type, found.documents.length);
  return counts;
}

const accountOf = async (accountId: string) => (await host.services.db.collection('accounts').read<AccountDoc>(accountId, accountId))!;

describe('PRIV-1: what-we-hold counts equal the export', () => {
  beforeAll(async () => {
    const extra = exportableTypes()
      .filter((t) => !['account', 'login-index'].includes(t.type))
      .map((spec) => documentOf(spec, A, B.accountId, 1));
    // The parent: their own documents, their child A, and a rights request they made about A (kept in A's partition).
    const parent = everyTypeFor(PARENT, B.accountId).map(({ container, doc }) =>
      doc.type === 'account'
        ? { container, doc: { ...doc, children: [{ accountId: A.accountId, schoolId: 'school-erasure' }] } }
        : { container, doc },
    );
    const aboutChild = documentOf(exportableTypes().find((t) => t.type === 'rights-request')!, A, B.accountId, 7);
    (aboutChild.doc as { requester: unknown }).requester = { accountId: PARENT.accountId };
    (aboutChild.doc as { id: string }).id = `rights-request:by-parent:${A.accountId}`;
    await writeAll(host.services.db, [...everyTypeFor(A, B.accountId), ...everyTypeFor(B, A.accountId), ...extra, ...parent, aboutChild]);
  }, 60_000);

  for (const [name, person] of [
    ['a person with two documents of most types', A],
    ['a person sharing their school, publisher and invoice year', B],
    ["a parent, with a request about their child in the child's partition", PARENT],
  ] as const)
    it(`PRIV-1: ${name}: every exportable type counted as the export finds it`, async () => {
      const expected = await exportCounts(person.accountId);
      const { counts, result } = withOperationCounter(async () => countSubjectDocuments(host.services, await accountOf(person.accountId)));
      const got = await result;
      expect(Object.fromEntries(got)).toEqual(Object.fromEntries(expected));
      // The fixture gives every type at least one document, so a type the counting missed shows as 0 here.
      for (const [type, n] of got) expect(n, type).toBeGreaterThan(0);
      expect(counts.crossPartitionQuery).toBe(0);
      expect(counts.write).toBe(0);
    }, 60_000);

  it('PRIV-1: counting reads each partition once: one query per container the person has documents in, one per shared partition, a point read per login index', async () => {
    const account = await accountOf(A.accountId);
    const { counts, result } = withOperationCounter(() => countSubjectDocuments(host.services, account));
    await result;
    // accounts, audit, history, events, orders, jobs; the school; the publisher; the transaction; the invoice year;
    // the e-mail and personal-code login indexes. Reading as the export does cost one query per school and publisher
    // type instead of one per partition, and the account once more.
    expect(counts.query).toBe(10);
    expect(counts.pointRead).toBe(2);
  }, 60_000);
});
