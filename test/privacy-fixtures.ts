import { emailLoginId } from '../shared/auth/index.js';
import type { ContainerName, Database } from '../shared/platform/cosmos.js';
import { containerSpec, type DocumentTypeSpec } from '../shared/privacy/registry.js';
import { exportableTypes } from '../shared/privacy/subject-documents.js';

/**
 * Marker documents for the data-subject tests (issue 12 item 8, PRIV-2): one document of a registry type for a person,
 * in the partition the registry's finder looks in, with a marker value in an exported field and another in every field
 * the registry omits. Two people share the school, the publisher and the invoice year, so their documents meet in the
 * same partitions and only the subject fields tell them apart.
 */
const SCHOOL = 'school-truth';
const PUBLISHER = 'pub-truth';
export const emailOf = (who: string) => `${who}@truth.example`;

export const marker = (who: string, type: string) => `MARK-${who}-${type}`;
const omitted = (who: string, type: string, field: string) => `OMIT-${who}-${type}-${field}`;

/** The partition a subject's document of this type lives in, by the registry's finder. */
function partitionOf(spec: DocumentTypeSpec, who: string): string {
  switch (spec.find?.partitions) {
    case 'subject':
    case 'subject-and-children':
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
    Object.assign(doc, {
      id: who,
      firstName: `First-${who}`,
      lastName: `Last-${who}`,
      email: emailOf(who),
      language: 'en',
      country: 'EE',
      status: 'active',
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
      schoolPartitions: [SCHOOL],
      publisherRoles: [{ publisherId: PUBLISHER, role: 'author' }],
    });
  if (spec.type === 'order')
    Object.assign(doc, { id: `order:${who}`, payment: { transactionId: `trx-${who}` }, invoice: { issuedAt: '2026-09-01T10:00:00Z' } });
  return doc;
}

/** One document of every exportable type for the person, and an invitation to their address that nobody accepted. */
export async function writeSubjectDocuments(db: Database, who: string): Promise<void> {
  const write = (container: string, doc: Record<string, unknown>) => db.collection(container as ContainerName).create(doc as never);
  for (const spec of exportableTypes()) await write(spec.container, documentOf(spec, who));
  await write('schools', {
    id: `invitation:unaccepted-${who}`,
    type: 'invitation',
    schoolId: SCHOOL,
    email: emailOf(who),
    marker: unacceptedMarker(who),
  });
}

export const unacceptedMarker = (who: string) => `${marker(who, 'invitation')}-unaccepted`;
