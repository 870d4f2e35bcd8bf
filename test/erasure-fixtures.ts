import { emailLoginId, personalCodeLoginId } from '../shared/auth/index.js';
import type { ContainerName, Database } from '../shared/platform/cosmos.js';
import { containerSpec, dataRegistry, type DocumentTypeSpec } from '../shared/privacy/registry.js';

/**
 * PRIV-3 fixtures: a person with a document of EVERY registry type that holds personal data, built from the registry
 * itself (a new type gets one too, so a type erasure cannot handle fails the test), placed where the registry's finder
 * looks. Each document carries the person's account id in its subject fields and their name beside it where the
 * registry's anonymisation says a name stands; the account holds names, e-mail and personal code. Lists of ids in
 * anonymised types also name a bystander (`other`), who must survive the erasure.
 */
const SCHOOL = 'school-erasure';
const PUBLISHER = 'pub-erasure';

export interface Person {
  accountId: string;
  firstName: string;
  lastName: string;
  email: string;
  personalCode: { country: 'EE'; code: string };
}

export function personFor(accountId: string, n = 0): Person {
  const code = `3${String(80_01_01_0000 + n).padStart(10, '0')}`;
  return {
    accountId,
    firstName: `Eero${n}x`,
    lastName: `Kustuta${n}x`,
    email: `${accountId}@erasure.example`,
    personalCode: { country: 'EE', code },
  };
}

/** The strings that must not be found anywhere after the person's erasure (except in held documents). */
export const traces = (p: Person) => [p.accountId, p.email, p.firstName, p.lastName, p.personalCode.code];

export const personalTypes = () => dataRegistry.documentTypes.filter((t) => t.personalData.length > 0);

function partitionOf(spec: DocumentTypeSpec, p: Person): string {
  switch (spec.find?.partitions) {
    case 'subject':
    case 'subject-and-children':
      return p.accountId;
    case 'account-schools':
      return SCHOOL;
    case 'account-publishers':
      return PUBLISHER;
    case 'account-logins':
      return emailLoginId(p.email);
    case 'order-transactions':
      return `trx-${p.accountId}`;
    case 'order-invoice-years':
      return 'invoice-register:2026';
    case 'none':
    case undefined:
      // Not findable per subject: where such documents live, keyed by hashes.
      return `unfindable-${spec.type}-${p.accountId}`;
  }
}

function setAt(doc: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let target = doc;
  for (const part of parts.slice(0, -1)) target = (target[part] ??= {}) as Record<string, unknown>;
  target[parts.at(-1)!] = value;
}

/** The subject fields set to the person; lists (…Ids, list[].field) also name the bystander. */
function setSubject(doc: Record<string, unknown>, path: string, p: Person, other: string | undefined): void {
  const person = { firstName: p.firstName, lastName: p.lastName };
  if (path.includes('[].')) {
    const [list, field] = path.split('[].') as [string, string];
    doc[list] = [{ [field]: p.accountId, ...person }, ...(other ? [{ [field]: other, firstName: 'Bystander' }] : [])];
    return;
  }
  setAt(doc, path, path.endsWith('Ids') ? [p.accountId, ...(other ? [other] : [])] : p.accountId);
}

/** One document of a type for the person (`n` numbers several of a type). */
export function documentOf(spec: DocumentTypeSpec, p: Person, other: string, n = 0): { container: ContainerName; doc: Record<string, unknown> } {
  const pkField = containerSpec(spec.container).partitionKeyPath.slice(1);
  const partition = partitionOf(spec, p);
  // Ids name the person, as many real ids do (membership, parent-link): anonymisation must re-key them.
  const doc: Record<string, unknown> = {
    id: pkField === 'id' ? partition : `${spec.type}:${p.accountId}:${n}`,
    type: spec.type,
    [pkField]: partition,
  };
  // A deleted type goes whole (an invitation the person sent, with whoever claimed it): only anonymised lists keep others.
  for (const path of [spec.subjectField ?? []].flat()) setSubject(doc, path, p, spec.erasure === 'anonymise' ? other : undefined);
  // Lists of people (journal.students) hold names beside the ids.
  for (const entry of spec.anonymise ?? [])
    if (entry.endsWith('[]'))
      doc[entry.slice(0, -2)] = [{ accountId: p.accountId, firstName: p.firstName, lastName: p.lastName }, { accountId: other }];
  // Names and addresses that stand beside the person's id (field@path): the person's own.
  for (const entry of spec.anonymise ?? [])
    if (entry.includes('@')) {
      const [field, owner] = entry.split('@') as [string, string];
      if (owner.includes('.')) setAt(doc, owner, p.accountId);
      doc[field] = owner.includes('.') ? { ...(doc[field] as object), accountId: p.accountId, firstName: p.firstName, email: p.email } : p.lastName;
    }
  if (spec.subjectEmailField) doc[spec.subjectEmailField] = p.email;
  doc.figure = n;
  if (spec.type === 'account')
    Object.assign(doc, {
      id: p.accountId,
      firstName: p.firstName,
      lastName: p.lastName,
      email: p.email,
      personalCode: p.personalCode,
      logins: [{ id: emailLoginId(p.email), provider: 'password' }],
      language: 'en',
      country: 'EE',
      status: 'active',
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
      schoolPartitions: [SCHOOL],
      publisherRoles: [{ publisherId: PUBLISHER, role: 'author' }],
      activeSessions: [],
    });
  if (spec.type === 'order')
    Object.assign(doc, {
      id: `order:${p.accountId}:${n}`,
      buyer: { name: `${p.firstName} ${p.lastName}`, email: p.email },
      payment: { transactionId: `trx-${p.accountId}` },
      invoice: { issuedAt: '2026-09-01T10:00:00Z' },
    });
  return { container: spec.container as ContainerName, doc };
}

/** The person's pcode index too (a second login index): released like the e-mail one. */
function personalCodeIndex(p: Person) {
  const id = personalCodeLoginId(p.personalCode);
  return { container: 'logins' as ContainerName, doc: { id, type: 'login-index', accountId: p.accountId } };
}

/** One document of every personal-data type, the pcode index, and an invitation to the address nobody accepted. */
export function everyTypeFor(p: Person, other: string) {
  const docs = personalTypes().map((spec) => documentOf(spec, p, other));
  docs.push(personalCodeIndex(p));
  docs.push({ container: 'schools', doc: { id: `invitation:open-${p.accountId}`, type: 'invitation', schoolId: SCHOOL, email: p.email } });
  return docs;
}

export async function writeAll(db: Database, docs: { container: ContainerName; doc: Record<string, unknown> }[]): Promise<void> {
  for (const { container, doc } of docs) await db.collection(container).create(doc as never);
}
