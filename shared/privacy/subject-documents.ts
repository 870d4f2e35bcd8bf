import type { SqlParameter } from '@azure/cosmos';

import type { AccountDoc } from '../accounts/index.js';
import { emailLoginId, normaliseEmail, personalCodeLoginId } from '../auth/index.js';
import type { ContainerName } from '../platform/cosmos.js';
import type { Services } from '../platform/services.js';
import { dataRegistry } from './registry.js';
import type { DocumentTypeSpec, SubjectFinder } from './registry-types.js';

/**
 * Every document the registry says is a person's, found the way the registry says (`find`, `subjectField`,
 * `subjectEmailField`): single-partition queries and point reads only, never a scan across partitions. Export (PRIV-2)
 * writes what this yields; erasure (PRIV-3) can walk the same finders.
 */
export interface SubjectDocuments {
  spec: DocumentTypeSpec;
  /** As stored, minus Cosmos' own fields and the fields the registry omits from export. */
  documents: Record<string, unknown>[];
}

type Row = Record<string, unknown> & { id: string; type: string };

const COSMOS_FIELDS = ['_rid', '_self', '_etag', '_attachments', '_ts', 'ttl'];
const PAGE_SIZE = 1000;

/** The types a person can have documents of, in registry order. */
export function exportableTypes(): DocumentTypeSpec[] {
  return dataRegistry.documentTypes.filter((t) => t.personalData.length > 0 && t.export && t.find && t.find.partitions !== 'none');
}

const subjectPaths = (spec: DocumentTypeSpec): string[] => (spec.subjectField === undefined ? [] : [spec.subjectField].flat());

/** Every value at a dotted path; `list[].field` and array values are flattened. */
function valuesAt(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  for (const part of path.replace('[]', '').split('.')) {
    current = current
      .flatMap((v): unknown[] => (Array.isArray(v) ? v : [v]))
      .map((v) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined))
      .filter((v) => v !== undefined);
  }
  return current.flatMap((v): unknown[] => (Array.isArray(v) ? v : [v]));
}

function belongsTo(spec: DocumentTypeSpec, doc: Row, accountId: string, email: string | undefined): boolean {
  if (subjectPaths(spec).some((path) => valuesAt(doc, path).includes(accountId))) return true;
  const emailField = spec.subjectEmailField;
  return Boolean(email && emailField && typeof doc[emailField] === 'string' && doc[emailField].toLowerCase() === email);
}

/** The terms that each tie a document to the subject (any one suffices; the same test runs again in code, belongsTo). */
function subjectTerms(specs: DocumentTypeSpec[], hasEmail: boolean): string[] {
  const paths = [...new Set(specs.flatMap(subjectPaths))];
  // By the registry's convention a field named …Ids is a list; `list[].field` is a field of a list's objects. Only those
  // get ARRAY_CONTAINS or a subquery: on a plain field they cost the emulator seconds.
  const terms = paths.map((path) => {
    if (path.includes('[].')) {
      const [list, field] = path.split('[].');
      return `EXISTS(SELECT VALUE x FROM x IN c.${list} WHERE x.${field} = @subject)`;
    }
    return path.endsWith('Ids') ? `ARRAY_CONTAINS(c.${path}, @subject)` : `c.${path} = @subject`;
  });
  const emailFields = [...new Set(specs.map((s) => s.subjectEmailField).filter((f): f is string => Boolean(f)))];
  // Addresses are stored normalised (auth: normaliseEmail), so equality finds them.
  if (hasEmail) terms.push(...emailFields.map((f) => `c.${f} = @email`));
  return terms;
}

/** The SQL that narrows a partition to the subject's documents. */
function subjectCondition(specs: DocumentTypeSpec[], hasEmail: boolean): string {
  return subjectTerms(specs, hasEmail)
    .map((t) => `(${t})`)
    .join(' OR ');
}

function exported(spec: DocumentTypeSpec, doc: Row): Record<string, unknown> {
  const omit = new Set([...COSMOS_FIELDS, ...(spec.export?.omit ?? [])]);
  return Object.fromEntries(Object.entries(doc).filter(([key]) => !omit.has(key)));
}

/** What the account names, and the subject's orders: where the other finders look. */
interface Leads {
  account?: AccountDoc;
  email?: string;
  orders: Row[];
}

const unique = (values: (string | undefined)[]) => [...new Set(values.filter((v): v is string => Boolean(v)))];

function partitionsFor(finder: SubjectFinder, accountId: string, leads: Leads): string[] {
  const account = leads.account;
  switch (finder.partitions) {
    case 'subject':
      return [accountId];
    case 'subject-and-children':
      return unique([accountId, ...(account?.children ?? []).map((l) => l.accountId)]);
    case 'account-schools':
      return unique([
        ...(account?.schoolRoles ?? []).map((r) => r.schoolId),
        ...(account?.schoolPartitions ?? []),
        ...(account?.children ?? []).map((l) => l.schoolId),
        ...(account?.parents ?? []).map((l) => l.schoolId),
      ]);
    case 'account-publishers':
      return unique((account?.publisherRoles ?? []).map((r) => r.publisherId));
    case 'account-logins':
      return unique([
        ...(account?.logins ?? []).map((l) => l.id),
        leads.email && emailLoginId(leads.email),
        account?.personalCode && personalCodeLoginId(account.personalCode),
      ]);
    case 'order-transactions':
      return unique(leads.orders.map((o) => (o.payment as { transactionId?: string } | undefined)?.transactionId));
    case 'order-invoice-years':
      return unique(
        leads.orders.map((o) => {
          const issuedAt = (o.invoice as { issuedAt?: string } | undefined)?.issuedAt;
          return issuedAt && `invoice-register:${issuedAt.slice(0, 4)}`;
        }),
      );
    case 'none':
      return [];
  }
}

async function readLeads(services: Pick<Services, 'db'>, accountId: string): Promise<Leads> {
  const stored = await services.db.collection('accounts').read<AccountDoc>(accountId, accountId);
  const account = stored?.type === 'account' ? stored : undefined;
  const orders = await services.db
    .collection('orders')
    .queryAll<Row>(accountId, { where: 'c.type = @type', parameters: [{ name: '@type', value: 'order' }], pageSize: PAGE_SIZE });
  return { account, email: account?.email && normaliseEmail(account.email), orders };
}

/** One container's documents of the given types in one partition that are the subject's. */
async function readPartition(
  services: Pick<Services, 'db'>,
  container: ContainerName,
  partition: string,
  specs: DocumentTypeSpec[],
  accountId: string,
  email: string | undefined,
): Promise<Row[]> {
  const collection = services.db.collection(container);
  // A login index document is its own partition: a point read.
  if (specs.every((s) => s.find?.partitions === 'account-logins')) {
    const doc = await collection.read<Row>(partition, partition);
    return doc ? [doc] : [];
  }
  const query = (where: string, parameters: SqlParameter[]) => collection.queryAll<Row>(partition, { where, parameters, pageSize: PAGE_SIZE });
  // The subject's own partition holds only their documents: one query for every type.
  if (specs.every((s) => s.find?.partitions === 'subject'))
    return query('ARRAY_CONTAINS(@types, c.type)', [{ name: '@types', value: specs.map((s) => s.type) }]);
  // A shared partition (a school's, a publisher's): one narrow query per type (one long OR over every type's fields
  // is more than the local emulator evaluates).
  const rows: Row[] = [];
  for (const spec of specs)
    rows.push(
      ...(await query(`c.type = @type AND (${subjectCondition([spec], Boolean(email))})`, [
        { name: '@type', value: spec.type },
        { name: '@subject', value: accountId },
        ...(email && spec.subjectEmailField ? [{ name: '@email', value: email }] : []),
      ])),
    );
  return rows;
}

/** One (container, partition) to read for a subject, and the types found there: one query or point read. */
export interface SubjectRead {
  container: ContainerName;
  partition: string;
  types: string[];
}

/** A subject's document as stored (Cosmos' fields included), with its registry type. */
export interface SubjectRow {
  spec: DocumentTypeSpec;
  doc: Row;
}

/**
 * Where the subject's documents of the given types are, as the registry's finders say: each (container, partition)
 * once, with every type looked for there. Also the subject's normalised e-mail, which some finders match on.
 */
export async function subjectReadPlan(
  services: Pick<Services, 'db'>,
  accountId: string,
  types: DocumentTypeSpec[],
): Promise<{ reads: SubjectRead[]; email: string | undefined }> {
  const leads = await readLeads(services, accountId);
  return { reads: planReads(types, accountId, leads), email: leads.email };
}

/** Each (container, partition) the finders name once, with every type looked for there. */
function planReads(types: DocumentTypeSpec[], accountId: string, leads: Leads): SubjectRead[] {
  const reads = new Map<string, SubjectRead>();
  for (const spec of types)
    for (const partition of partitionsFor(spec.find!, accountId, leads)) {
      const key = `${spec.container}\n${partition}`;
      const read = reads.get(key) ?? { container: spec.container as ContainerName, partition, types: [] };
      read.types.push(spec.type);
      reads.set(key, read);
    }
  return [...reads.values()];
}

/** The subject's documents in one planned read (the same single-partition query or point read export uses). */
export async function readSubjectRows(
  services: Pick<Services, 'db'>,
  read: SubjectRead,
  accountId: string,
  email: string | undefined,
): Promise<SubjectRow[]> {
  const specs = read.types.map((type) => dataRegistry.documentTypes.find((t) => t.type === type && t.container === read.container)!);
  const rows = await readPartition(services, read.container, read.partition, specs, accountId, email);
  return rows.flatMap((doc) => {
    const spec = specs.find((s) => s.type === doc.type);
    return spec && belongsTo(spec, doc, accountId, email) ? [{ spec, doc }] : [];
  });
}

/**
 * The subject's documents of every exportable registry type (an empty list for a type the person has none of), one
 * yield per type in registry order. Each (container, partition) is read once for all the types found there.
 */
export async function* subjectDocuments(services: Pick<Services, 'db'>, accountId: string): AsyncGenerator<SubjectDocuments> {
  const types = exportableTypes();
  const { reads, email } = await subjectReadPlan(services, accountId, types);
  const found = new Map<string, Row[]>(types.map((t) => [t.type, []]));
  for (const read of reads) for (const { spec, doc } of await readSubjectRows(services, read, accountId, email)) found.get(spec.type)!.push(doc);
  for (const spec of types) yield { spec, documents: found.get(spec.type)!.map((row) => exported(spec, row)) };
}

/** The fields a row needs for `belongsTo` (the top field of each subject path, the e-mail field) and the type. */
function projectionOf(specs: DocumentTypeSpec[], extra: string[] = []): string {
  const fields = new Set(['id', 'type', ...extra]);
  for (const spec of specs) {
    for (const path of subjectPaths(spec)) fields.add(path.split(/[.[]/)[0]!);
    if (spec.subjectEmailField) fields.add(spec.subjectEmailField);
  }
  return [...fields].map((f) => `c.${f}`).join(', ');
}

/** The order fields `partitionsFor` follows to the transaction and the invoice register. */
const ORDER_LEADS = ['payment', 'invoice'];

/**
 * How many documents of every exportable type are the subject's (0 where none), found where and as `subjectDocuments`
 * finds them (PRIV-1 = PRIV-2's truth) but cheaper: each (container, partition) is one query returning only the fields
 * that tie a row to the person, a shared partition (a school's) one query for all its types instead of one per type,
 * and the account is the caller's (no second read). The orders partition's rows are the leads for the transactions
 * and the invoice register, so it is read once.
 */
export async function countSubjectDocuments(services: Pick<Services, 'db'>, account: AccountDoc): Promise<Map<string, number>> {
  const { accountId } = account;
  const types = exportableTypes();
  const email = account.email && normaliseEmail(account.email);
  const orderSpecs = types.filter((t) => t.container === 'orders' && t.find?.partitions === 'subject');
  const orderRows = await services.db.collection('orders').queryAll<Row>(accountId, {
    select: projectionOf(orderSpecs, ORDER_LEADS),
    where: 'ARRAY_CONTAINS(@types, c.type)',
    parameters: [{ name: '@types', value: orderSpecs.map((s) => s.type) }],
    pageSize: PAGE_SIZE,
  });
  const leads: Leads = { account, email, orders: orderRows.filter((r) => r.type === 'order') };
  const counts = new Map<string, number>(types.map((t) => [t.type, 0]));
  for (const read of planReads(types, accountId, leads)) {
    const specs = read.types.map((type) => types.find((t) => t.type === type && t.container === read.container)!);
    const rows =
      read.container === 'orders' && read.partition === accountId ? orderRows : await subjectRowsNarrow(services, read, specs, accountId, email);
    for (const row of rows) {
      const spec = specs.find((s) => s.type === row.type);
      if (spec && belongsTo(spec, row, accountId, email)) counts.set(spec.type, counts.get(spec.type)! + 1);
    }
  }
  return counts;
}

/** One planned read as one request: a point read (a login index), or one query of only the fields `belongsTo` needs. */
async function subjectRowsNarrow(
  services: Pick<Services, 'db'>,
  read: SubjectRead,
  specs: DocumentTypeSpec[],
  accountId: string,
  email: string | undefined,
): Promise<Row[]> {
  const collection = services.db.collection(read.container);
  if (specs.every((s) => s.find?.partitions === 'account-logins')) {
    const doc = await collection.read<Row>(read.partition, read.partition);
    return doc ? [doc] : [];
  }
  const select = projectionOf(specs);
  if (specs.every((s) => s.find?.partitions === 'subject'))
    return collection.queryAll<Row>(read.partition, {
      select,
      where: 'ARRAY_CONTAINS(@types, c.type)',
      parameters: [{ name: '@types', value: specs.map((s) => s.type) }],
      pageSize: PAGE_SIZE,
    });
  // A shared partition: every type's narrow condition in one query. Written without parentheses (AND binds before OR):
  // the local emulator's parser takes seconds per nested parenthesis, while the terms cost it nothing.
  const where = specs.flatMap((spec, i) => subjectTerms([spec], Boolean(email)).map((term) => `c.type = @type${i} AND ${term}`)).join(' OR ');
  return collection.queryAll<Row>(read.partition, {
    select,
    where,
    parameters: [
      ...specs.map((spec, i) => ({ name: `@type${i}`, value: spec.type })),
      { name: '@subject', value: accountId },
      ...(email && specs.some((s) => s.subjectEmailField) ? [{ name: '@email', value: email }] : []),
    ],
    pageSize: PAGE_SIZE,
  });
}
