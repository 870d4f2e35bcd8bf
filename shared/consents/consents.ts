import { randomUUID } from 'node:crypto';

import { z } from 'zod';

import {
  type AccountDoc,
  type ConsentState,
  familyLinksOf,
  needsParentForConsent,
  objectsTo,
  processingRestricted,
  updateAccount,
} from '../accounts/index.js';
import type { Doc, Page } from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import type { Language } from '../platform/language.js';
import { pageOf, type PageRequest } from '../platform/paging.js';
import type { Services } from '../platform/services.js';
import { consentCatalogue, type ConsentPurpose, consentPurposes, currentText } from './catalogue.js';

type Channel = ConsentState['channel'];

/** PRIV-6: one consent given or withdrawn, kept as the proof of what the person agreed to, when and how. */
export interface ConsentEventDoc extends Doc {
  type: 'consent-event';
  accountId: string;
  purpose: ConsentPurpose;
  given: boolean;
  version: string;
  channel: Channel;
  at: string;
  /** Who acted: the person, their confirmed parent (`as: 'parent'`), or (channel 'request') the staff member who recorded a request. */
  by: string;
  /** GDPR Article 8: the parent gave or withdrew it for a child who cannot consent alone. */
  as?: 'parent';
}

/** `spam-report`: the person marked a newsletter as spam and SendGrid's signed event webhook said so (MKT-1). */
const channels = ['settings', 'unsubscribe-link', 'request', 'sign-up', 'spam-report'] as const;

export const consentViewSchema = z.object({
  purpose: z.enum(consentPurposes),
  given: z.boolean(),
  /** The text shown now, in the reader's language. */
  currentVersion: z.string(),
  text: z.string(),
  /** The version, time and channel of the person's last choice; absent when they never chose. */
  version: z.string().optional(),
  at: z.string().optional(),
  channel: z.enum(channels).optional(),
  /** Who made the last choice: the person, or their parent for a child who cannot consent alone (GDPR Article 8). */
  as: z.enum(['self', 'parent']).optional(),
  /** The person cannot give a consent alone (a child under 13, or a student whose age is not known): a parent gives it. */
  needsParent: z.boolean(),
});

export const consentEventViewSchema = z.object({
  purpose: z.enum(consentPurposes),
  given: z.boolean(),
  version: z.string(),
  channel: z.enum(channels),
  at: z.string(),
  as: z.enum(['self', 'parent']),
});

export function consentViews(account: AccountDoc, language: Language, now: Date): z.infer<typeof consentViewSchema>[] {
  const needsParent = needsParentForConsent(account, now);
  return consentPurposes.map((purpose) => {
    const state = account.consents?.[purpose];
    const current = currentText(purpose);
    return {
      purpose,
      given: state?.given ?? false,
      currentVersion: current.version,
      text: current.text[language],
      ...(state ? { version: state.version, at: state.at, channel: state.channel, as: state.as ?? 'self' } : {}),
      needsParent,
    };
  });
}

export const consentEventView = (doc: ConsentEventDoc): z.infer<typeof consentEventViewSchema> => ({
  purpose: doc.purpose,
  given: doc.given,
  version: doc.version,
  channel: doc.channel,
  at: doc.at,
  as: doc.as ?? 'self',
});

/**
 * Gives or withdraws a consent (PRIV-6), effective at once: the account carries where each consent stands (read by
 * `maySendMarketing` without another read) and a `consent-event` document records the choice with time, text version
 * and channel. Withdrawing is the same one call as giving. Repeating the current choice changes nothing and records
 * nothing (an unsubscribe link clicked twice). Giving needs the version the person was shown: an older one is 409.
 * A child who cannot consent alone (`needsParentForConsent`) may only withdraw (403 consent_needs_parent); `asParent`
 * records the choice of a confirmed parent of such a child (GDPR Article 8), 403 forbidden for anyone else.
 */
export async function setConsent(
  deps: Pick<Services, 'db' | 'clock'>,
  input: {
    accountId: string;
    purpose: ConsentPurpose;
    given: boolean;
    version?: string | undefined;
    channel: Channel;
    by: string;
    asParent?: boolean;
    /** A withdrawal that changes nothing when the consent was given after this moment (a late report about an older one). */
    unlessGivenAfter?: string;
  },
): Promise<AccountDoc> {
  const current = currentText(input.purpose).version;
  if (input.given && input.version !== undefined && input.version !== current) throw new AppError('consent_version_outdated');
  let recorded: ConsentState | undefined;
  const account = await updateAccount(deps, input.accountId, (doc) => {
    const needsParent = needsParentForConsent(doc, deps.clock.now());
    // Checked on the document written, as the access check read it a moment before (a birthday or an ended link between).
    if (input.asParent && !(needsParent && familyLinksOf(doc, 'parents').some((p) => p.accountId === input.by))) throw new AppError('forbidden');
    if (input.given && !input.asParent && needsParent) throw new AppError('consent_needs_parent');
    const state = doc.consents?.[input.purpose];
    // A withdrawal names the version it withdraws (the one given); a consent, the text shown now.
    const version = input.given ? current : (state?.version ?? current);
    recorded = undefined;
    // Nothing to record: the same choice again, or withdrawing what was never given.
    if (state ? state.given === input.given && state.version === version : !input.given) return doc;
    if (!input.given && state?.given && input.unlessGivenAfter !== undefined && state.at > input.unlessGivenAfter) return doc;
    recorded = {
      given: input.given,
      version,
      at: deps.clock.now().toISOString(),
      channel: input.channel,
      ...(input.asParent ? { as: 'parent' } : {}),
    };
    return { ...doc, consents: { ...doc.consents, [input.purpose]: recorded } };
  });
  if (recorded) {
    const event: ConsentEventDoc = {
      id: `consent-event:${randomUUID()}`,
      type: 'consent-event',
      accountId: input.accountId,
      purpose: input.purpose,
      ...recorded,
      by: input.by,
    };
    await deps.db.collection('accounts').create<ConsentEventDoc>(event);
  }
  return account;
}

/** PRIV-6: the optional consents ticked on a sign-up form, each with the text version the form showed. */
export const signUpConsentsSchema = z
  .array(z.strictObject({ purpose: z.enum(consentPurposes), version: z.string().min(1).max(40) }))
  .max(consentPurposes.length)
  .refine((list) => new Set(list.map((c) => c.purpose)).size === list.length, 'each purpose at most once');

/**
 * Where the new account's consents stand (channel 'sign-up'), for the account document the sign-up creates. A form
 * that showed an older text is 409 consent_version_outdated before anything is made.
 */
export function signUpConsents(choices: z.infer<typeof signUpConsentsSchema>, now: Date): AccountDoc['consents'] | undefined {
  if (choices.length === 0) return undefined;
  const at = now.toISOString();
  return Object.fromEntries(
    choices.map(({ purpose, version }): [ConsentPurpose, ConsentState] => {
      if (version !== currentText(purpose).version) throw new AppError('consent_version_outdated');
      return [purpose, { given: true, version, at, channel: 'sign-up' }];
    }),
  );
}

/** The consent events of a new account's sign-up consents (PRIV-6), so the history starts with them. */
export async function recordSignUpConsents(deps: Pick<Services, 'db'>, accountId: string, consents: AccountDoc['consents']): Promise<void> {
  for (const [purpose, state] of Object.entries(consents ?? {})) {
    if (!state) continue;
    const event: ConsentEventDoc = {
      id: `consent-event:${randomUUID()}`,
      type: 'consent-event',
      accountId,
      purpose: purpose as ConsentPurpose,
      ...state,
      by: accountId,
    };
    await deps.db.collection('accounts').create<ConsentEventDoc>(event);
  }
}

/** The person's consent history, newest first (paged). */
export function consentHistory(deps: Pick<Services, 'db' | 'config'>, accountId: string, page: PageRequest): Promise<Page<ConsentEventDoc>> {
  return pageOf<ConsentEventDoc>(
    deps,
    { container: 'accounts', partitionKey: accountId, where: "c.type = 'consent-event'", orderBy: 'c.at DESC', defaultPageSize: 20 },
    page,
  );
}

type ConsentHolder = Pick<AccountDoc, 'personalCode' | 'birthDate' | 'schoolRoles'>;

/**
 * MKT-1 with PRIV-4 and PRIV-6, for the marketing e-mails: only to an active account whose consent to the newsletter
 * stands, that has not objected to direct marketing (absolute: consent does not outweigh it), has not restricted
 * processing, and whose consent counts: given by the person old enough to give it alone, or by their parent (GDPR
 * Article 8; a child's own consent recorded before the rule does not count). Reads only the account document.
 */
export function maySendMarketing(
  account: Pick<AccountDoc, 'status' | 'processing' | 'consents'> & Partial<ConsentHolder>,
  now: Date,
  purpose: ConsentPurpose = 'newsletter',
): boolean {
  if (!consentCatalogue[purpose].marketing) return false;
  const consent = account.consents?.[purpose];
  return (
    account.status === 'active' &&
    consent?.given === true &&
    !objectsTo(account, 'directMarketing') &&
    !processingRestricted(account) &&
    (consent.as === 'parent' || !needsParentForConsent(account, now))
  );
}
