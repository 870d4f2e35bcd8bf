import { readAccount } from '../accounts/index.js';
import { updateWithEtag } from '../platform/cosmos.js';
import type { Country } from '../platform/countries.js';
import type { Language } from '../platform/language.js';
import type { Services } from '../platform/services.js';
import { activeMemberships, readSchool } from '../schools/index.js';
import { type FollowUpKind, tellStaff } from './mail.js';
import { effectiveDueAt, isOpen, QUEUE_PARTITION, type QueueEntryDoc, REMINDER_DAYS, type RightsRequestDoc } from './model.js';
import { readRequest } from './requests.js';

const DAY_MS = 86_400_000;

interface Recipient {
  email: string;
  language: Language;
  /** OPS-3: the sender and footer; a school's administrators read mail about the school as the school's country. */
  country?: Country;
}

/** The privacy officers' addresses (a cross-partition query: timers only). */
async function privacyOfficers(services: Pick<Services, 'db'>): Promise<Recipient[]> {
  const page = await services.db
    .collection('accounts')
    .crossPartitionQuery<Recipient>(
      "SELECT c.email, c.language, c.country FROM c WHERE c.type = 'account' AND IS_DEFINED(c.staffRoles) AND ARRAY_CONTAINS(c.staffRoles, 'privacyOfficer') AND IS_DEFINED(c.email)",
    );
  return page.items;
}

async function schoolAdmins(services: Pick<Services, 'db'>, schoolId: string): Promise<Recipient[]> {
  const [school, memberships] = await Promise.all([readSchool(services, schoolId), activeMemberships(services, schoolId)]);
  const admins = memberships.filter((m) => m.role === 'schoolAdmin');
  const accounts = await Promise.all(admins.map((m) => readAccount(services, m.accountId)));
  return accounts.flatMap((a) => (a?.email ? [{ email: a.email, language: a.language, country: school.country }] : []));
}

type Step = { kind: FollowUpKind; due: (r: RightsRequestDoc, now: Date) => boolean; mark: (r: RightsRequestDoc, at: string) => RightsRequestDoc };

/** What is owed on a request, in order; each step is done once (its mark on the request says so). */
const steps: Step[] = [
  {
    kind: 'forwarded',
    due: (r) => r.state === 'waiting-for-school' && !r.followUp.schoolNotifiedAt,
    mark: (r, at) => ({ ...r, followUp: { ...r.followUp, schoolNotifiedAt: at } }),
  },
  {
    kind: 'reminder',
    due: (r, now) => !r.followUp.remindedAt && now.getTime() >= new Date(effectiveDueAt(r)).getTime() - REMINDER_DAYS * DAY_MS,
    mark: (r, at) => ({ ...r, followUp: { ...r.followUp, remindedAt: at } }),
  },
  {
    kind: 'escalated',
    due: (r, now) => !r.escalatedAt && now.getTime() > new Date(effectiveDueAt(r)).getTime(),
    mark: (r, at) => ({ ...r, escalatedAt: at }),
  },
];

/**
 * PRIV-7 follow-up, run by a timer: tells a school of a request forwarded to it, reminds 7 days before the due date
 * and escalates when it passes. Safe to run twice: the e-mail is queued first under a key derived from the request,
 * step and due date (a repeat collapses in the queue), then the step is marked on the request under its ETag, and a
 * marked step is never done again.
 */
export async function followUpRequests(services: Services, now: Date): Promise<Record<FollowUpKind, number>> {
  const counts: Record<FollowUpKind, number> = { forwarded: 0, reminder: 0, escalated: 0 };
  const jobs = services.db.collection('jobs');
  const entries = await jobs.queryAll<QueueEntryDoc>(QUEUE_PARTITION, { where: "c.type = 'rights-queue-entry'", orderBy: 'c.dueAt ASC' });
  let officers: Recipient[] | undefined;
  for (const entry of entries) {
    const request = await readRequest(services, entry.requestId);
    if (!request || !isOpen(request.state)) continue;
    for (const step of steps) {
      if (!step.due(request, now)) continue;
      const school = request.controller.kind === 'school' && request.state === 'waiting-for-school' ? request.controller.schoolId : undefined;
      const toSchool = school ? await schoolAdmins(services, school) : [];
      const toOfficers = step.kind === 'forwarded' ? [] : (officers ??= await privacyOfficers(services));
      for (const to of [...toSchool, ...toOfficers]) await tellStaff(services, request, step.kind, to);
      const marked = await updateWithEtag<RightsRequestDoc>(
        jobs,
        request.id,
        request.accountId,
        (current) => (step.due(current, now) ? step.mark(current, now.toISOString()) : undefined),
        { type: 'rights-request' },
      );
      if (marked?.changed) {
        counts[step.kind] += 1;
        if (step.kind === 'escalated') await jobs.upsert<QueueEntryDoc>({ ...entry, escalatedAt: marked.doc.escalatedAt! });
      }
      if (marked) Object.assign(request, marked.doc);
    }
  }
  return counts;
}
