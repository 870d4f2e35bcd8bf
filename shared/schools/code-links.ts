import { z } from 'zod';

import { type AccountDoc, readAccount } from '../accounts/index.js';
import {
  type ConfirmationLedger,
  externalLoginId,
  linkLogin,
  messageKey,
  type ProviderId,
  providerName,
  type SchoolCodeLinks,
  tellOwner,
} from '../auth/index.js';
import { queueEmail } from '../messaging/index.js';
import { type Doc, DocumentExistsError, updateWithEtag } from '../platform/cosmos.js';
import type { EmailMessage } from '../platform/email.js';
import { AppError } from '../platform/errors.js';
import type { Language } from '../platform/language.js';
import { pageOf, type PageRequest } from '../platform/paging.js';
import type { Services } from '../platform/services.js';
import { codeLinkEmail } from './emails.js';
import { readSchool } from './invitations.js';
import { activeMemberships } from './members.js';
import { offerMpassidRoles } from './mpassid-roles.js';

/**
 * ACC-5, AUTH-3: an eID-grade sign-in whose personal code matches the code a school entered for its student, but
 * whose names differ from the school's record, is not linked until the school's administrator confirms that it is
 * the student (a wrongly typed code must not hand a child's account to a stranger). One request per login and
 * account, in the school's partition: requested -> confirmed | refused.
 */
export interface CodeLinkRequestDoc extends Doc {
  type: 'code-link-request';
  schoolId: string;
  /** The student's account the code points at. */
  accountId: string;
  provider: ProviderId;
  subject: string;
  loginId: string;
  /** Names the eID asserted, and the school's record at the time, for the administrator to compare. */
  asserted: { firstName: string; lastName: string };
  student: { firstName: string; lastName: string };
  status: 'requested' | 'confirmed' | 'refused';
  requestedAt: string;
  decidedBy?: string;
  decidedAt?: string;
}

export const codeLinkViewSchema = z.object({
  id: z.string(),
  accountId: z.string(),
  provider: z.string(),
  asserted: z.object({ firstName: z.string(), lastName: z.string() }),
  student: z.object({ firstName: z.string(), lastName: z.string() }),
  status: z.enum(['requested', 'confirmed', 'refused']),
  requestedAt: z.string(),
  decidedBy: z.string().optional(),
  decidedAt: z.string().optional(),
});

const codeLinkId = (accountId: string, loginId: string) => `code-link:${accountId}:${loginId}`;

const view = (d: CodeLinkRequestDoc): z.infer<typeof codeLinkViewSchema> => ({
  id: d.id,
  accountId: d.accountId,
  provider: d.provider,
  asserted: d.asserted,
  student: d.student,
  status: d.status,
  requestedAt: d.requestedAt,
  ...(d.decidedBy ? { decidedBy: d.decidedBy, decidedAt: d.decidedAt } : {}),
});

/** E-mails every administrator of the school (the addresses on their memberships). */
export async function tellSchoolAdmins(
  services: Pick<Services, 'db' | 'bus'>,
  schoolId: string,
  make: (language: Language, to: string, schoolName: string) => EmailMessage,
  key: string,
): Promise<void> {
  const school = await readSchool(services, schoolId).catch(() => undefined);
  if (!school) return;
  const language: Language = school.country === 'FI' ? 'fi' : 'et';
  const admins = (await activeMemberships(services, schoolId)).filter((m) => m.role === 'schoolAdmin' && m.email);
  for (const admin of admins)
    await queueEmail(
      services,
      { ...make(language, admin.email!, school.name), country: school.country, language },
      `school:${messageKey(`${key}:${admin.accountId}`)}`,
    );
}

/** What a sign-in needs of the schools when a school-entered personal code links a login (ACC-5). */
export function schoolCodeLinks(services: Pick<Services, 'db' | 'bus' | 'clock'>): SchoolCodeLinks {
  return {
    ledger: codeLinkLedger(services),
    tellSchool: (schoolId, account, provider, key) => tellSchoolOfCodeLink(services, schoolId, account, provider, key),
    offerMpassidRoles: (account, roles) => offerMpassidRoles(services, account, roles),
  };
}

/** The ledger resolveSignIn consults: the stored decision, or a new request (and an e-mail to the administrators). */
function codeLinkLedger(services: Pick<Services, 'db' | 'bus' | 'clock'>): ConfirmationLedger {
  return async ({ schoolId, account, identity }) => {
    const schools = services.db.collection('schools');
    const loginId = externalLoginId(identity.provider, identity.subject);
    const id = codeLinkId(account.accountId, loginId);
    const stored = await schools.read<CodeLinkRequestDoc>(id, schoolId);
    if (stored?.type === 'code-link-request') return stored.status;
    const doc: CodeLinkRequestDoc = {
      id,
      type: 'code-link-request',
      schoolId,
      accountId: account.accountId,
      provider: identity.provider,
      subject: identity.subject,
      loginId,
      asserted: { firstName: identity.givenName ?? '', lastName: identity.familyName ?? '' },
      student: { firstName: account.firstName, lastName: account.lastName },
      status: 'requested',
      requestedAt: services.clock.now().toISOString(),
    };
    try {
      await schools.create<CodeLinkRequestDoc>(doc);
    } catch (error) {
      if (!(error instanceof DocumentExistsError)) throw error;
    }
    await tellSchoolAdmins(
      services,
      schoolId,
      (language, to, schoolName) =>
        codeLinkEmail('confirm', language, to, {
          studentName: `${account.firstName} ${account.lastName}`,
          schoolName,
          provider: providerName(identity.provider),
        }),
      `code-link-confirm:${id}`,
    );
    return 'requested';
  };
}

/** Tells the school that a sign-in was linked to its student by the code it entered (names matched). */
async function tellSchoolOfCodeLink(
  services: Pick<Services, 'db' | 'bus'>,
  schoolId: string,
  account: AccountDoc,
  provider: string,
  key: string,
): Promise<void> {
  await tellSchoolAdmins(
    services,
    schoolId,
    (language, to, schoolName) =>
      codeLinkEmail('linked', language, to, {
        studentName: `${account.firstName} ${account.lastName}`,
        schoolName,
        provider: providerName(provider),
      }),
    `code-linked:${key}`,
  );
}

/** One page of the school's code-link requests, newest first: one single-partition query, sealed continuation (issue 9). */
export async function listCodeLinks(
  services: Pick<Services, 'db' | 'config'>,
  schoolId: string,
  status?: CodeLinkRequestDoc['status'],
  page: PageRequest = {},
) {
  const docs = await pageOf<CodeLinkRequestDoc>(
    services,
    {
      container: 'schools',
      partitionKey: schoolId,
      where: `c.type = 'code-link-request'${status ? ' AND c.status = @status' : ''}`,
      parameters: status ? [{ name: '@status', value: status }] : [],
      orderBy: 'c.requestedAt DESC',
      defaultPageSize: 50,
    },
    page,
  );
  return { items: docs.items.map(view), ...(docs.continuation ? { continuation: docs.continuation } : {}) };
}

/**
 * The administrator decides. Confirming links the login to the student's account and e-mails the owner; refusing
 * lets the person sign in to an account of their own. Repeating the same decision is harmless; changing it is 409.
 */
export async function decideCodeLink(
  services: Pick<Services, 'db' | 'bus' | 'clock'>,
  input: { schoolId: string; requestId: string; decision: 'confirmed' | 'refused'; by: string },
) {
  const updated = await updateWithEtag<CodeLinkRequestDoc>(
    services.db.collection('schools'),
    input.requestId,
    input.schoolId,
    (doc) => {
      if (doc.status !== 'requested' && doc.status !== input.decision) throw new AppError('code_link_decided');
      return doc.status === 'requested'
        ? { ...doc, status: input.decision, decidedBy: input.by, decidedAt: services.clock.now().toISOString() }
        : undefined;
    },
    { type: 'code-link-request' },
  );
  if (!updated) throw new AppError('code_link_not_found');
  const decided = updated.doc;
  // Idempotent: a repeat (or a retry after a failure here) completes the link.
  if (decided.status === 'confirmed') {
    if (!(await readAccount(services, decided.accountId))) throw new AppError('account_not_found');
    await linkLogin(services, decided.accountId, { provider: decided.provider, subject: decided.subject });
    await tellOwner(services, decided.accountId, 'loginLinked', decided.id, { provider: decided.provider });
  }
  return view(decided);
}
