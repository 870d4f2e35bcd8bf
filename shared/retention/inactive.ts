import { type AccountDoc, readAccount } from '../accounts/index.js';
import { closeAccountForInactivity } from '../consents/index.js';
import { queueEmail } from '../messaging/index.js';
import { type LocalDate, localDateOf, reached, startOfLocalDay, yearsBefore } from '../platform/calendar.js';
import { updateWithEtag } from '../platform/cosmos.js';
import { keyedId } from '../platform/idempotency.js';
import { runJob, sweepPage } from '../platform/jobs.js';
import type { Language } from '../platform/language.js';
import type { Services } from '../platform/services.js';

/** RET-9 (eKool practice): no sign-in for this many years and no school role, and the account is closed. */
const INACTIVE_YEARS = 5;
const PAGE_SIZE = 100;

const noticeDay = (year: number): LocalDate => ({ year, month: 7, day: 1 });
const closingDay = (year: number): LocalDate => ({ year, month: 8, day: 1 });

/** Signed in last before this instant: inactive for 5 years on the closing day (1 August, Estonian/Finnish time). */
const inactiveBefore = (year: number) => yearsBefore(startOfLocalDay(closingDay(year)), INACTIVE_YEARS);

const lastActivity = (a: Pick<AccountDoc, 'lastSignInAt' | 'createdAt'>) => a.lastSignInAt ?? a.createdAt;

function isInactive(account: AccountDoc, year: number): boolean {
  return !account.closure && (account.schoolRoles ?? []).length === 0 && Date.parse(lastActivity(account)) < inactiveBefore(year).getTime();
}

const noticeTexts: Record<Language, (closingOn: string) => { subject: string; text: string }> = {
  et: (closingOn) => ({
    subject: 'Sinu Opiqi konto suletakse kasutamata jätmise tõttu',
    text: `Sa ei ole Opiqi kontole sisse loginud viimase viie aasta jooksul. Kasutamata kontod suletakse ja nende andmed kustutatakse vastavalt säilitustähtaegadele. Sinu konto suletakse ${closingOn}. Kui soovid kontot alles hoida, logi enne seda kuupäeva Opiqi sisse.`,
  }),
  fi: (closingOn) => ({
    subject: 'Opiq-tilisi suljetaan käyttämättömänä',
    text: `Et ole kirjautunut Opiq-tilillesi viiteen vuoteen. Käyttämättömät tilit suljetaan ja niiden tiedot poistetaan säilytysaikojen mukaisesti. Tilisi suljetaan ${closingOn}. Jos haluat säilyttää tilin, kirjaudu Opiqiin ennen tätä päivää.`,
  }),
  en: (closingOn) => ({
    subject: 'Your Opiq account will be closed as unused',
    text: `You have not signed in to your Opiq account for five years. Unused accounts are closed and their data deleted according to the retention periods. Your account will be closed on ${closingOn}. To keep it, sign in to Opiq before that date.`,
  }),
};

const closingOnText = (year: number) => `${year}-08-01`;

/**
 * The accounts that may be inactive, one page at a time. A cross-partition query over `accounts` filtered on the last
 * sign-in: run by the yearly job only, never on a request path; its continuation is the job's checkpoint.
 */
function candidatesPage(services: Pick<Services, 'db'>, year: number, checkpoint: string | undefined) {
  return services.db.collection('accounts').crossPartitionQuery<{
    accountId: string;
  }>("SELECT c.accountId FROM c WHERE c.type = 'account' AND c.status != 'closed' AND " + '(c.lastSignInAt < @before OR (NOT IS_DEFINED(c.lastSignInAt) AND c.createdAt < @before)) AND ' + '(NOT IS_DEFINED(c.schoolRoles) OR ARRAY_LENGTH(c.schoolRoles) = 0)', [{ name: '@before', value: inactiveBefore(year).toISOString() }], checkpoint, PAGE_SIZE);
}

/**
 * The accounts noticed this year and not closed yet: the closing day's work list. A sweep page in id order: closing
 * takes an account out of the result, which would make a continuation token skip the ones behind it.
 */
function noticedPage(services: Pick<Services, 'db'>, year: number, checkpoint: string | undefined) {
  return sweepPage<{ id: string; accountId: string }>(
    services.db.collection('accounts'),
    {
      select: 'c.id, c.accountId',
      where: "c.type = 'account' AND c.status != 'closed' AND IS_DEFINED(c.inactivityNotice) AND c.inactivityNotice.year = @year",
      parameters: [{ name: '@year', value: year }],
    },
    checkpoint,
    PAGE_SIZE,
  );
}

/**
 * One account's notice: the e-mail is queued first under a key of the account and year (a repeat collapses in the
 * queue), then the notice is marked on the account; a marked account is never noticed again that year. An account
 * without an address is marked all the same: the closure goes ahead as for everyone else.
 */
async function notice(services: Services, accountId: string, year: number, now: Date): Promise<'noticed' | 'noAddress' | 'skipped'> {
  const account = await readAccount(services, accountId);
  if (!account || !isInactive(account, year) || account.inactivityNotice?.year === year) return 'skipped';
  if (account.email) {
    const mail = noticeTexts[account.language](closingOnText(year));
    await queueEmail(
      services,
      { to: account.email, category: 'service', ...mail, country: account.country, language: account.language },
      `inactivity-notice:${keyedId(accountId, String(year))}`,
    );
  }
  await updateWithEtag<AccountDoc>(
    services.db.collection('accounts'),
    accountId,
    accountId,
    (doc) =>
      isInactive(doc, year) && doc.inactivityNotice?.year !== year ? { ...doc, inactivityNotice: { year, at: now.toISOString() } } : undefined,
    { type: 'account', current: account },
  );
  return account.email ? 'noticed' : 'noAddress';
}

/** Closes a noticed account that is still inactive; a sign-in after the notice (or a new school role) keeps it. */
async function closeIfStillInactive(services: Services, accountId: string, year: number): Promise<'closed' | 'kept'> {
  const account = await readAccount(services, accountId);
  if (!account || account.closure) return 'kept';
  const signedInSinceNotice = account.lastSignInAt !== undefined && account.inactivityNotice && account.lastSignInAt > account.inactivityNotice.at;
  if (!isInactive(account, year) || signedInSinceNotice) return 'kept';
  await closeAccountForInactivity(services, accountId);
  return 'closed';
}

function tally(outcomes: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
  return counts;
}

/**
 * RET-9, run daily by a timer (schedule in UTC): from 1 July (Estonian/Finnish time) the year's notices go out, from
 * 1 August the year's noticed accounts still inactive are closed. Each is a job of its year, resumable and done once.
 * Closure only follows a notice of the same year, so an account is never closed without its month's warning.
 */
export async function inactiveAccountsRetention(services: Services, now: Date): Promise<Record<string, number>> {
  const { year } = localDateOf(now);
  if (reached(now, closingDay(year))) {
    const { job, ran } = await runJob(services, { name: 'inactive-accounts-closure', period: String(year) }, async (checkpoint) => {
      const page = await noticedPage(services, year, checkpoint);
      const outcomes: string[] = [];
      for (const { accountId } of page.items) outcomes.push(await closeIfStillInactive(services, accountId, year));
      return { counts: tally(outcomes), next: page.next };
    });
    return ran ? job.counts : {};
  }
  if (reached(now, noticeDay(year))) {
    const { job, ran } = await runJob(services, { name: 'inactive-accounts-notice', period: String(year) }, async (checkpoint) => {
      const page = await candidatesPage(services, year, checkpoint);
      const outcomes: string[] = [];
      for (const { accountId } of page.items) outcomes.push(await notice(services, accountId, year, now));
      return { counts: tally(outcomes), next: page.continuation };
    });
    return ran ? job.counts : {};
  }
  return {};
}
