import { z } from 'zod';

import type { AccountDoc, Suspension } from '../accounts/index.js';
import { type Doc, type Page, updateWithEtag } from '../platform/cosmos.js';
import type { EmailMessage } from '../platform/email.js';
import { AppError } from '../platform/errors.js';
import type { Language } from '../platform/language.js';
import { pageOf, type PageRequest } from '../platform/paging.js';
import type { Services } from '../platform/services.js';
import { tellSchoolAdmins } from './code-links.js';

/**
 * OPS-1 "together with the school": when the operator suspends or restricts a person who holds a school role, each of
 * their schools gets a case: the administrators are e-mailed, see the case (measure, reason category, the operator's
 * note) and comment on it; the operator sees their comments on the account. Lifting the measure closes the cases.
 */
export interface OpsCaseDoc extends Doc {
  type: 'ops-case';
  schoolId: string;
  accountId: string;
  person: { firstName: string; lastName: string };
  measure: 'suspended' | 'read-only';
  reason: Suspension['reason'];
  openedBy: string;
  openedAt: string;
  status: 'open' | 'closed';
  closedAt?: string;
  comments: { at: string; by: string; as: 'school' | 'operator'; text: string }[];
}

export const opsCaseViewSchema = z.object({
  id: z.string(),
  schoolId: z.string(),
  accountId: z.string(),
  person: z.object({ firstName: z.string(), lastName: z.string() }),
  measure: z.enum(['suspended', 'read-only']),
  reason: z.string(),
  openedAt: z.string(),
  status: z.enum(['open', 'closed']),
  closedAt: z.string().optional(),
  comments: z.array(z.object({ at: z.string(), by: z.string(), as: z.enum(['school', 'operator']), text: z.string() })),
});
export type OpsCaseView = z.infer<typeof opsCaseViewSchema>;

const view = (d: OpsCaseDoc): OpsCaseView => ({
  id: d.id,
  schoolId: d.schoolId,
  accountId: d.accountId,
  person: d.person,
  measure: d.measure,
  reason: d.reason,
  openedAt: d.openedAt,
  status: d.status,
  ...(d.closedAt ? { closedAt: d.closedAt } : {}),
  comments: d.comments,
});

/** The schools a measure concerns: the one named, or every school where the person holds a role. */
export function schoolsInvolved(account: AccountDoc, schoolId?: string): string[] {
  const held = [...new Set((account.schoolRoles ?? []).map((r) => r.schoolId))];
  if (schoolId === undefined) return held;
  if (!held.includes(schoolId))
    throw new AppError('school_not_involved', { details: [{ path: 'schoolId', issue: 'the person holds no role in this school' }] });
  return [schoolId];
}

const reasonNames: Record<Suspension['reason'], Record<Language, string>> = {
  'password-leak': { et: 'võimalik paroolileke', fi: 'mahdollinen salasanavuoto', en: 'a possible password leak' },
  'malicious-activity': { et: 'pahatahtlik tegevus', fi: 'haitallinen toiminta', en: 'malicious activity' },
  'unusual-usage': { et: 'ebatavaline kasutus', fi: 'epätavallinen käyttö', en: 'unusual usage' },
  'terms-breach': { et: 'kasutustingimuste rikkumine', fi: 'käyttöehtojen rikkominen', en: 'a breach of the terms of use' },
};
const reasonName = (reason: Suspension['reason'], language: Language) => reasonNames[reason][language];

function caseEmail(
  language: Language,
  to: string,
  v: { schoolName: string; personName: string; measure: OpsCaseDoc['measure']; reason: Suspension['reason'] },
): EmailMessage {
  const reason = reasonName(v.reason, language);
  const texts: Record<Language, { subject: string; text: string }> = {
    et: {
      subject: v.measure === 'suspended' ? 'Opiq peatas kooli kasutaja konto' : 'Opiq piiras kooli kasutaja kontot',
      text: `Tere!\n\nOpiq ${v.measure === 'suspended' ? 'peatas' : 'piiras (ainult lugemine)'} kooli ${v.schoolName} kasutaja ${v.personName} konto. Põhjus: ${reason}.\n\nKasutustingimuste järgi otsustame koos kooliga: vaata juhtumit ja lisa kommentaar Opiqus (kool → juhtumid).`,
    },
    fi: {
      subject: v.measure === 'suspended' ? 'Opiq keskeytti koulun käyttäjän tilin' : 'Opiq rajoitti koulun käyttäjän tiliä',
      text: `Hei!\n\nOpiq ${v.measure === 'suspended' ? 'keskeytti' : 'rajoitti (vain luku)'} koulun ${v.schoolName} käyttäjän ${v.personName} tilin. Syy: ${reason}.\n\nKäyttöehtojen mukaan päätämme yhdessä koulun kanssa: katso tapaus ja kommentoi Opiqissa (koulu → tapaukset).`,
    },
    en: {
      subject: v.measure === 'suspended' ? "Opiq suspended a school user's account" : "Opiq restricted a school user's account",
      text: `Hello,\n\nOpiq ${v.measure === 'suspended' ? 'suspended' : 'restricted (read-only)'} the account of ${v.personName} of ${v.schoolName}. Reason: ${reason}.\n\nUnder the terms of use we decide together with the school: see the case and comment in Opiq (school → cases).`,
    },
  };
  return { to, category: 'service', ...texts[language] };
}

/** Opens one case per school involved and e-mails its administrators. Idempotent per measure (its time is the id). */
export async function openCases(
  services: Pick<Services, 'db' | 'bus' | 'clock'>,
  input: {
    account: AccountDoc;
    schoolIds: string[];
    measure: OpsCaseDoc['measure'];
    reason: Suspension['reason'];
    note?: string;
    by: string;
    at: string;
  },
): Promise<string[]> {
  const ids: string[] = [];
  for (const schoolId of input.schoolIds) {
    const doc: OpsCaseDoc = {
      id: `case:${input.account.accountId}:${Date.parse(input.at)}`,
      type: 'ops-case',
      schoolId,
      accountId: input.account.accountId,
      person: { firstName: input.account.firstName, lastName: input.account.lastName },
      measure: input.measure,
      reason: input.reason,
      openedBy: input.by,
      openedAt: input.at,
      status: 'open',
      comments: input.note ? [{ at: input.at, by: input.by, as: 'operator', text: input.note }] : [],
    };
    await services.db.collection('schools').upsert<OpsCaseDoc>(doc);
    ids.push(doc.id);
    await tellSchoolAdmins(
      services,
      schoolId,
      (language, to, schoolName) =>
        caseEmail(language, to, {
          schoolName,
          personName: `${input.account.firstName} ${input.account.lastName}`,
          measure: input.measure,
          reason: input.reason,
        }),
      `ops-case:${doc.id}`,
    );
  }
  return ids;
}

async function casesOf(services: Pick<Services, 'db'>, schoolId: string, accountId?: string, status?: OpsCaseDoc['status']): Promise<OpsCaseDoc[]> {
  return services.db.collection('schools').queryAll<OpsCaseDoc>(schoolId, {
    where: `c.type = 'ops-case'${accountId ? ' AND c.accountId = @accountId' : ''}${status ? ' AND c.status = @status' : ''}`,
    parameters: [...(accountId ? [{ name: '@accountId', value: accountId }] : []), ...(status ? [{ name: '@status', value: status }] : [])],
  });
}

/** The measure was lifted: the schools' open cases about the person are closed. */
export async function closeCases(services: Pick<Services, 'db' | 'clock'>, account: AccountDoc, schoolIds: string[]): Promise<void> {
  for (const schoolId of schoolIds)
    for (const doc of await casesOf(services, schoolId, account.accountId, 'open'))
      await services.db.collection('schools').upsert<OpsCaseDoc>({ ...doc, status: 'closed', closedAt: services.clock.now().toISOString() });
}

/** One page of the school's cases, newest first: one single-partition query, sealed continuation (issue 9). */
export async function listCases(
  services: Pick<Services, 'db' | 'config'>,
  schoolId: string,
  status?: OpsCaseDoc['status'],
  page: PageRequest = {},
): Promise<Page<OpsCaseView>> {
  const docs = await pageOf<OpsCaseDoc>(
    services,
    {
      container: 'schools',
      partitionKey: schoolId,
      where: `c.type = 'ops-case'${status ? ' AND c.status = @status' : ''}`,
      parameters: status ? [{ name: '@status', value: status }] : [],
      orderBy: 'c.openedAt DESC',
      defaultPageSize: 50,
    },
    page,
  );
  return { items: docs.items.map(view), ...(docs.continuation ? { continuation: docs.continuation } : {}) };
}

/** The operator's view of a person's cases in their schools, with the schools' comments. */
export async function casesAbout(services: Pick<Services, 'db'>, account: AccountDoc): Promise<OpsCaseView[]> {
  const schoolIds = new Set([
    ...(account.schoolRoles ?? []).map((r) => r.schoolId),
    ...(account.suspension?.schoolId ? [account.suspension.schoolId] : []),
  ]);
  const all: OpsCaseView[] = [];
  for (const schoolId of schoolIds) all.push(...(await casesOf(services, schoolId, account.accountId)).map(view));
  return all.sort((a, b) => b.openedAt.localeCompare(a.openedAt));
}

/** The school's administrator comments on a case (the operator reads it with the account). */
export async function commentCase(
  services: Pick<Services, 'db' | 'clock'>,
  input: { schoolId: string; caseId: string; by: string; text: string },
): Promise<OpsCaseView> {
  const updated = await updateWithEtag<OpsCaseDoc>(
    services.db.collection('schools'),
    input.caseId,
    input.schoolId,
    (doc) => ({ ...doc, comments: [...doc.comments, { at: services.clock.now().toISOString(), by: input.by, as: 'school', text: input.text }] }),
    { type: 'ops-case' },
  );
  if (!updated) throw new AppError('case_not_found');
  return view(updated.doc);
}
