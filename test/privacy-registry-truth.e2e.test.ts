import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { emailLoginId } from '../shared/auth/index.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import type { ContainerName } from '../shared/platform/cosmos.js';
import { containerSpec, dataRegistry, type DocumentTypeSpec } from '../shared/privacy/registry.js';
import { exportableTypes, subjectDocuments } from '../shared/privacy/subject-documents.js';

/**
 * Issue 12 item 8, registry truth: a document of EVERY registry type with personal data is written for two people, A
 * and B, who share a school, a publisher and an invoice year (so their documents sit in the same partitions), each
 * carrying a marker value in a field the registry exports and another in every field it omits. What the export
 * collects for A must hold every marker of A and none of B, and no omitted field.
 */
const A = 'acc-truth-a';
const B = 'acc-truth-b';
const SCHOOL = 'school-truth';
const PUBLISHER = 'pub-truth';
const emailOf = (who: string) => `${who}@truth.example`;

let host: LocalHost;

const marker = (who: string, type: string) => `MARK-${who === A ? 'A' : 'B'}-${type}`;
const omitted = (who: string, type: string, field: string) => `OMIT-${who === A ? 'A' : 'B'}-${type}-${field}`;

/** The partition a subject's document of this type lives in, by the registry's finder. */
function partitionOf(spec: DocumentTypeSpec, who: string): string {
  switch (spec.find?.partitions) {
    case 'subject':
      return who;
    case 'account-schools':
      return SCHOOL;
    case 'account-publishers':
      return PUBLISHER;
    case 'account-logins':
      return emailLoginId(emailOf(who));
    case 'order-transactions':
      return `trx-${who}`;
    case 'order-invoice-years':
      return 'invoice-register:2026';
    default:
      throw new Error(`${spec.type} cannot be found per subject`);
  }
}

/** Sets a subject field path on a document: `list[].field`, dotted paths, and lists for fields named …Ids. */
function setSubject(doc: Record<string, unknown>, path: string, who: string): void {
  if (path.includes('[].')) {
    const [list, field] = path.split('[].') as [string, string];
    doc[list] = [{ [field]: who }];
    return;
  }
  const parts = path.split('.');
  let target = doc;
  for (const part of parts.slice(0, -1)) target = (target[part] ??= {}) as Record<string, unknown>;
  const last = parts.at(-1)!;
  target[last] = last.endsWith('Ids') ? [who] : who;
}

function documentOf(spec: DocumentTypeSpec, who: string): Record<string, unknown> {
  const pkField = containerSpec(spec.container).partitionKeyPath.slice(1);
  const partition = partitionOf(spec, who);
  const doc: Record<string, unknown> = { id: pkField === 'id' ? partition : `${spec.type}:${who}`, type: spec.type, [pkField]: partition };
  for (const path of [spec.subjectField ?? []].flat()) setSubject(doc, path, who);
  for (const field of spec.export?.omit ?? []) if (field !== 'id') doc[field] = omitted(who, spec.type, field);
  doc.marker = marker(who, spec.type);
  if (spec.type === 'account')
    Object.assign(doc, { id: who, email: emailOf(who), schoolPartitions: [SCHOOL], publisherRoles: [{ publisherId: PUBLISHER, role: 'author' }] });
  if (spec.type === 'order')
    Object.assign(doc, { id: `order:${who}`, payment: { transactionId: `trx-${who}` }, invoice: { issuedAt: '2026-09-01T10:00:00Z' } });
  return doc;
}

const write = (container: string, doc: Record<string, unknown>) => host.services.db.collection(container as ContainerName).create(doc as never);

beforeAll(async () => {
  host = await startLocalHost({ port: 0, seed: false, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false });
  for (const spec of exportableTypes()) for (const who of [A, B]) await write(spec.container, documentOf(spec, who));
  // An invitation to A's address that nobody accepted: only the address makes it A's.
  for (const who of [A, B])
    await write('schools', {
      id: `invitation:unaccepted-${who}`,
      type: 'invitation',
      schoolId: SCHOOL,
      email: emailOf(who),
      marker: `${marker(who, 'invitation')}-unaccepted`,
    });
}, 60_000);
afterAll(async () => host?.close());

describe('issue 12 item 8: the registry finds every subject document and only those', () => {
  it('PRIV-2: every document type with personal data either has a finder or says why it cannot be found per subject', () => {
    const personal = dataRegistry.documentTypes.filter((t) => t.personalData.length > 0);
    for (const t of personal) expect(t.find, t.type).toBeDefined();
    const unfindable = personal.filter((t) => t.find?.partitions === 'none').map((t) => t.type);
    expect(unfindable.sort()).toEqual(['login-throttle', 'password-token', 'payment-message-rejected']);
    expect(exportableTypes().length).toBe(personal.length - unfindable.length);
  });

  it("PRIV-2: the export of A holds every marker of A, none of B's, and no field the registry omits", async () => {
    const collected: Record<string, string> = {};
    for await (const { spec, documents } of subjectDocuments(host.services, A)) collected[spec.type] = JSON.stringify(documents);
    const all = Object.values(collected).join('\n');
    for (const spec of exportableTypes()) expect(collected[spec.type], `${spec.type} of A`).toContain(marker(A, spec.type));
    expect(collected.invitation).toContain(`${marker(A, 'invitation')}-unaccepted`);
    expect(all).not.toContain('MARK-B-');
    expect(all).not.toContain('OMIT-');
    expect(all).not.toMatch(/"_(etag|rid|ts)"/);
  });
});
