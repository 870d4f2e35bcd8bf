import { randomUUID } from 'node:crypto';

import { z } from 'zod';

import { type AccountDoc, familyLinksOf } from '../accounts/index.js';
import { maySendMarketing, unsubscribeLinkFor } from '../consents/index.js';
import { type Doc, DocumentExistsError, type Stored, updateWithEtag } from '../platform/cosmos.js';
import type { EmailBatch } from '../platform/email.js';
import { AppError } from '../platform/errors.js';
import { type JobDoc, jobView, jobViewSchema, runJob } from '../platform/jobs.js';
import { type Language, languages } from '../platform/language.js';
import type { Services } from '../platform/services.js';
import { suppressedAmong } from './suppressions.js';

/** Mailings live in the system partition of `jobs`, beside the job documents that carry their progress. */
const SYSTEM_PARTITION = 'system';
const JOB_NAME = 'mailing';
/**
 * Accounts read per page of the send, and pages per run: a run stays well inside the function timeout (10 minutes)
 * and the queue's lock; a longer send goes on in the next run, queued by the one before.
 */
const SEND_SIZES = { pageSize: 100, pagesPerRun: 50 };
const UNSUBSCRIBE_PLACEHOLDER = '-unsubscribeUrl-';

const audienceRoles = ['student', 'teacher', 'schoolAdmin', 'parent', 'privateUser'] as const;
type AudienceRole = (typeof audienceRoles)[number];
/** MKT-2: what a service message may be about; anything else is not a service message. */
const serviceCategories = ['change', 'fault', 'new-service', 'terms'] as const;

const copySchema = z.strictObject({ subject: z.string().trim().min(1).max(200), text: z.string().trim().min(1).max(20_000) });
const contentSchema = z.strictObject({ et: copySchema, fi: copySchema, en: copySchema });
const audienceFields = {
  country: z.enum(['EE', 'FI']).optional(),
  /** Anyone holding one of these roles; absent or empty: every role. */
  roles: z.array(z.enum(audienceRoles)).max(audienceRoles.length).optional(),
};

/**
 * What staff compose. Strict objects: a service message (MKT-2) takes no offer and nothing else a newsletter has, so
 * advertising cannot ride on it to people who refused marketing; a newsletter (MKT-1) is never sent by school.
 */
export const mailingInputSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('marketing'),
    audience: z.strictObject(audienceFields),
    content: contentSchema,
    /** An offer of the platform's own products (MKT-1): a link under the text. */
    offer: z
      .strictObject({
        url: z.url({ protocol: /^https$/ }).max(500),
        label: z.strictObject({ et: z.string().min(1).max(100), fi: z.string().min(1).max(100), en: z.string().min(1).max(100) }),
      })
      .optional(),
  }),
  z.strictObject({
    kind: z.literal('service'),
    category: z.enum(serviceCategories),
    audience: z.strictObject({ ...audienceFields, schoolId: z.string().min(1).max(100).optional() }),
    content: contentSchema,
  }),
]);
type MailingInput = z.infer<typeof mailingInputSchema>;

type MailingDoc = Doc &
  MailingInput & {
    type: 'mailing';
    accountId: typeof SYSTEM_PARTITION;
    mailingId: string;
    state: 'draft' | 'sending' | 'sent';
    createdBy: string;
    createdAt: string;
    /** Who sent it; for a service message the second staff member, who reviewed it as such (MKT-2). */
    sentBy?: string;
    sentAt?: string;
    finishedAt?: string;
  };

/** That one mailing went to one person, in their partition of `accounts`: no address and no name (RET-5), only that it happened. */
interface DeliveryDoc extends Doc {
  type: 'mailing-delivery';
  accountId: string;
  mailingId: string;
  kind: MailingInput['kind'];
  at: string;
}

const mailingDocId = (mailingId: string) => `mailing:${mailingId}`;
const deliveryId = (mailingId: string) => `mailing-delivery:${mailingId}`;

export const mailingViewSchema = z.object({
  id: z.string(),
  kind: z.enum(['marketing', 'service']),
  category: z.enum(serviceCategories).optional(),
  audience: z.object({ ...audienceFields, schoolId: z.string().optional() }),
  content: contentSchema,
  offer: z.object({ url: z.string(), label: z.object({ et: z.string(), fi: z.string(), en: z.string() }) }).optional(),
  state: z.enum(['draft', 'sending', 'sent']),
  createdBy: z.string(),
  createdAt: z.string(),
  sentBy: z.string().optional(),
  sentAt: z.string().optional(),
  finishedAt: z.string().optional(),
  /** The send job: counts of sent, suppressed and already-mailed people, pages done. Absent before sending. */
  progress: jobViewSchema.optional(),
});

function mailingView(doc: MailingDoc, job: JobDoc | undefined): z.infer<typeof mailingViewSchema> {
  const { mailingId, kind, audience, content, state, createdBy, createdAt, sentBy, sentAt, finishedAt } = doc;
  return {
    id: mailingId,
    kind,
    ...(doc.kind === 'service' ? { category: doc.category } : {}),
    audience,
    content,
    ...(doc.kind === 'marketing' && doc.offer ? { offer: doc.offer } : {}),
    state,
    createdBy,
    createdAt,
    ...(sentBy ? { sentBy } : {}),
    ...(sentAt ? { sentAt } : {}),
    ...(finishedAt ? { finishedAt } : {}),
    ...(job ? { progress: jobView(job) } : {}),
  };
}

export async function createMailing(services: Pick<Services, 'db' | 'clock'>, input: MailingInput, by: string) {
  const mailingId = randomUUID();
  const doc: MailingDoc = {
    ...input,
    id: mailingDocId(mailingId),
    type: 'mailing',
    accountId: SYSTEM_PARTITION,
    mailingId,
    state: 'draft',
    createdBy: by,
    createdAt: services.clock.now().toISOString(),
  };
  return mailingView(await services.db.collection('jobs').create<MailingDoc>(doc), undefined);
}

async function readMailing(services: Pick<Services, 'db'>, mailingId: string): Promise<MailingDoc & Stored> {
  const doc = await services.db.collection('jobs').read<MailingDoc>(mailingDocId(mailingId), SYSTEM_PARTITION);
  if (doc?.type !== 'mailing') throw new AppError('mailing_not_found');
  return doc;
}

/** The mailing with the progress of its send (two point reads). */
export async function mailingWithProgress(services: Pick<Services, 'db'>, mailingId: string) {
  const doc = await readMailing(services, mailingId);
  const job = doc.state === 'draft' ? undefined : await services.db.collection('jobs').read<JobDoc>(`job:${JOB_NAME}:${mailingId}`, SYSTEM_PARTITION);
  return mailingView(doc, job);
}

// ---------------------------------------------------------------------------------------------------------------
// The audience

type Recipient = Pick<
  AccountDoc,
  | 'accountId'
  | 'email'
  | 'language'
  | 'country'
  | 'status'
  | 'consents'
  | 'processing'
  | 'schoolRoles'
  | 'children'
  | 'publisherRoles'
  | 'staffRoles'
  | 'municipality'
  | 'birthDate'
  | 'personalCode'
>;

const RECIPIENT_FIELDS = [
  'accountId',
  'email',
  'language',
  'country',
  'status',
  'consents',
  'processing',
  'schoolRoles',
  'children',
  'publisherRoles',
  'staffRoles',
  'municipality',
  'birthDate',
  'personalCode',
] as const;

/** The active accounts with an address in the mailing's country: the rest is decided in code (roles, consent). */
function audienceQuery(doc: MailingInput): { text: string; parameters: { name: string; value: string }[] } {
  const conditions = ["c.type = 'account'", "c.status = 'active'", 'IS_STRING(c.email)'];
  const parameters: { name: string; value: string }[] = [];
  if (doc.audience.country) {
    conditions.push('c.country = @country');
    parameters.push({ name: '@country', value: doc.audience.country });
  }
  // Only the newsletter consent can let a marketing message through: the rest need not be read at all.
  if (doc.kind === 'marketing') conditions.push('c.consents.newsletter.given = true');
  return { text: `SELECT ${RECIPIENT_FIELDS.map((f) => `c.${f}`).join(', ')} FROM c WHERE ${conditions.join(' AND ')}`, parameters };
}

function holdsRole(account: Recipient, role: AudienceRole): boolean {
  const schoolRoles = account.schoolRoles ?? [];
  switch (role) {
    case 'student':
      return schoolRoles.some((r) => r.role === 'student');
    case 'teacher':
      return schoolRoles.some((r) => r.role === 'teacher' || r.role === 'classTeacher');
    case 'schoolAdmin':
      return schoolRoles.some((r) => r.role === 'schoolAdmin');
    case 'parent':
      return familyLinksOf(account, 'children').length > 0;
    case 'privateUser':
      return !schoolRoles.length && !account.publisherRoles?.length && !account.staffRoles?.length && !account.municipality;
  }
}

/** A school's notice reaches its members and the parents whose child's link it confirmed. */
const belongsToSchool = (account: Recipient, schoolId: string) =>
  (account.schoolRoles ?? []).some((r) => r.schoolId === schoolId) || familyLinksOf(account, 'children').some((c) => c.schoolId === schoolId);

/**
 * Whether this person is in the mailing's audience and may get it: a newsletter only with a current consent, no
 * objection to direct marketing and no restriction (MKT-1, PRIV-4, PRIV-6); a service message to every active user
 * addressed (MKT-2). Suppressed addresses are left out after this, at sending.
 */
function reaches(doc: MailingInput, account: Recipient, now: Date): boolean {
  if (!account.email || account.status !== 'active') return false;
  if (doc.audience.country && account.country !== doc.audience.country) return false;
  const roles = doc.audience.roles ?? [];
  if (roles.length && !roles.some((role) => holdsRole(account, role))) return false;
  if (doc.kind === 'service') return !doc.audience.schoolId || belongsToSchool(account, doc.audience.schoolId);
  return maySendMarketing(account, now);
}

/**
 * The preview of how many people the mailing reaches now: `count` leaves out suppressed addresses as sending will,
 * `suppressed` says how many of the audience those were. A cross-partition scan of the accounts the query narrows
 * to, and one suppression query per page of 1000, for operator staff only.
 */
export async function audienceCount(
  services: Pick<Services, 'db' | 'config' | 'clock'>,
  mailingId: string,
): Promise<{ count: number; suppressed: number }> {
  const doc = await readMailing(services, mailingId);
  const { text, parameters } = audienceQuery(doc);
  let count = 0;
  let suppressed = 0;
  let continuation: string | undefined;
  const now = services.clock.now();
  do {
    const page = await services.db.collection('accounts').crossPartitionQuery<Recipient>(text, parameters, continuation, 1000);
    const addresses = page.items.filter((account) => reaches(doc, account, now)).map((account) => account.email!);
    const left = await suppressedAmong(services, addresses);
    const leftOut = addresses.filter((address) => left.has(address)).length;
    suppressed += leftOut;
    count += addresses.length - leftOut;
    continuation = page.continuation;
  } while (continuation);
  return { count, suppressed };
}

// ---------------------------------------------------------------------------------------------------------------
// Sending

/**
 * Starts sending: the mailing becomes `sending` and its job is queued. A service message is sent by a second staff
 * member, who reviews it as a service message (MKT-2): its author may not (403 mailing_needs_second_reviewer). A
 * mailing already sending or sent is 409 mailing_already_sent.
 */
export async function startSending(services: Pick<Services, 'db' | 'clock' | 'bus'>, mailingId: string, by: string) {
  const current = await readMailing(services, mailingId);
  const updated = await updateWithEtag<MailingDoc>(
    services.db.collection('jobs'),
    current.id,
    SYSTEM_PARTITION,
    (doc) => {
      if (doc.state !== 'draft') throw new AppError('mailing_already_sent');
      if (doc.kind === 'service' && doc.createdBy === by) throw new AppError('mailing_needs_second_reviewer');
      return { ...doc, state: 'sending', sentBy: by, sentAt: services.clock.now().toISOString() };
    },
    { type: 'mailing', current },
  );
  await queueMailing(services, mailingId);
  return mailingView(updated!.doc, undefined);
}

export const mailingMessageSchema = z.object({ mailingId: z.string().min(1).max(100) });

const queueMailing = (services: Pick<Services, 'bus'>, mailingId: string, fromPage = 0) =>
  services.bus.send('mailings', { body: { mailingId }, messageId: fromPage ? `mailing:${mailingId}:${fromPage}` : `mailing:${mailingId}` });

const footers: Record<MailingInput['kind'], Record<Language, string>> = {
  marketing: {
    et: `Said selle kirja, sest oled nõustunud saama Opiqi uudiskirja ja pakkumisi. Loobu ühe klõpsuga: ${UNSUBSCRIBE_PLACEHOLDER}`,
    fi: `Sait tämän viestin, koska olet suostunut vastaanottamaan Opiqin uutiskirjeen ja tarjouksia. Peru tilaus yhdellä napsautuksella: ${UNSUBSCRIBE_PLACEHOLDER}`,
    en: `You receive this because you agreed to get Opiq's newsletter and offers. Unsubscribe with one click: ${UNSUBSCRIBE_PLACEHOLDER}`,
  },
  service: {
    et: 'See on teenuseteade sinu Opiqi konto kohta. Selliseid teateid saadetakse kõigile kasutajatele; need ei sisalda reklaami.',
    fi: 'Tämä on palveluviesti Opiq-tilistäsi. Tällaiset viestit lähetetään kaikille käyttäjille; ne eivät sisällä mainontaa.',
    en: 'This is a service message about your Opiq account. Such messages go to every user; they carry no advertising.',
  },
};

function bodyOf(doc: MailingInput, language: Language): string {
  const offer = doc.kind === 'marketing' && doc.offer ? `\n\n${doc.offer.label[language]}: ${doc.offer.url}` : '';
  return `${doc.content[language].text}${offer}\n\n--\n${footers[doc.kind][language]}`;
}

/** One person's envelope: a newsletter's carries their own signed one-click unsubscribe link (RFC 8058). */
function personalization(services: Pick<Services, 'config'>, doc: MailingDoc, account: Recipient): EmailBatch['personalizations'][number] {
  if (doc.kind === 'service') return { to: account.email!, customArgs: { mailingId: doc.mailingId } };
  // The account id (opaque, never the address) comes back on a spam report, which then withdraws the consent too.
  const customArgs = { mailingId: doc.mailingId, accountId: account.accountId };
  const link = unsubscribeLinkFor(services, account.accountId, 'newsletter');
  return {
    to: account.email!,
    substitutions: { [UNSUBSCRIBE_PLACEHOLDER]: link },
    headers: { 'List-Unsubscribe': `<${link}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    customArgs,
  };
}

/**
 * Marks each person as mailed before mailing them: a person already marked (a repeated or resumed page) is left out.
 * So nobody gets a mailing twice; a run that dies between marking and sending leaves those few unmailed (at most once).
 */
async function claimDeliveries(services: Pick<Services, 'db' | 'clock'>, doc: MailingDoc, people: Recipient[]): Promise<Recipient[]> {
  const accounts = services.db.collection('accounts');
  const at = services.clock.now().toISOString();
  const claimed: Recipient[] = [];
  for (const person of people) {
    const delivery: DeliveryDoc = {
      id: deliveryId(doc.mailingId),
      type: 'mailing-delivery',
      accountId: person.accountId,
      mailingId: doc.mailingId,
      kind: doc.kind,
      at,
    };
    try {
      await accounts.create<DeliveryDoc>(delivery);
      claimed.push(person);
    } catch (error) {
      if (!(error instanceof DocumentExistsError)) throw error;
    }
  }
  return claimed;
}

async function sendPage(services: Services, doc: MailingDoc, accounts: Recipient[]): Promise<Record<string, number>> {
  const now = services.clock.now();
  const audience = accounts.filter((account) => reaches(doc, account, now));
  const suppressed = await suppressedAmong(
    services,
    audience.map((a) => a.email!),
  );
  const claimed = await claimDeliveries(
    services,
    doc,
    audience.filter((a) => !suppressed.has(a.email!)),
  );
  // One batch per language and country: the sender is the reader's country's (OPS-3).
  for (const language of languages) {
    for (const country of new Set(claimed.map((a) => a.country))) {
      const readers = claimed.filter((a) => (a.language ?? 'et') === language && a.country === country);
      if (!readers.length) continue;
      await services.email.sendBatch({
        subject: doc.content[language].subject,
        text: bodyOf(doc, language),
        category: doc.kind,
        country,
        personalizations: readers.map((account) => personalization(services, doc, account)),
      });
    }
  }
  return { sent: claimed.length, suppressed: suppressed.size, alreadySent: audience.length - suppressed.size - claimed.length };
}

/**
 * The queued send (MKT-1, MKT-2): a resumable job over the audience, page by page from its checkpoint; the delivery
 * records make a repeated message or a resumed page mail nobody twice. The mailing is `sent` when the job is done.
 */
export async function runMailing(services: Services, mailingId: string, sizes = SEND_SIZES): Promise<void> {
  const doc = await readMailing(services, mailingId);
  if (doc.state === 'draft') return;
  const { text, parameters } = audienceQuery(doc);
  const accounts = services.db.collection('accounts');
  const run = async (checkpoint: string | undefined) => {
    const page = await accounts.crossPartitionQuery<Recipient>(text, parameters, checkpoint, sizes.pageSize);
    return { counts: await sendPage(services, doc, page.items), next: page.continuation };
  };
  const { job } = await runJob(services, { name: JOB_NAME, period: mailingId }, run, { maxPages: sizes.pagesPerRun });
  // Not done in this run: the next run goes on from the checkpoint (one message per stretch of pages).
  if (job.state === 'running') return queueMailing(services, mailingId, job.pages);
  if (doc.state === 'sending')
    await updateWithEtag<MailingDoc>(
      services.db.collection('jobs'),
      doc.id,
      SYSTEM_PARTITION,
      (current) =>
        current.state === 'sending' ? { ...current, state: 'sent', finishedAt: job.finishedAt ?? services.clock.now().toISOString() } : undefined,
      { type: 'mailing', current: doc },
    );
}
