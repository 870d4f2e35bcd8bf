import { createHmac, timingSafeEqual } from 'node:crypto';

import { readAccount } from '../accounts/index.js';
import { AppError, isAppError } from '../platform/errors.js';
import type { Language } from '../platform/language.js';
import type { Services } from '../platform/services.js';
import { type ConsentPurpose, consentPurposes } from './catalogue.js';
import { setConsent } from './consents.js';
import { unsubscribedPage, unsubscribeQuestionPage } from './unsubscribe-page.js';

type Keys = Services['config']['UNSUBSCRIBE_SIGNING_KEYS'];

/**
 * MKT-1, PRIV-6: the unsubscribe link of a marketing e-mail works without signing in, so its token is signed per
 * person and purpose with HMAC-SHA256 under its own keys (UNSUBSCRIBE_SIGNING_KEYS, never the session keys: the
 * first key signs, every listed key verifies). It carries no e-mail address and grants nothing but withdrawing that one
 * consent.
 */
const macOf = (secret: Uint8Array, accountId: string, purpose: string) =>
  createHmac('sha256', secret).update(`unsubscribe\n${accountId}\n${purpose}`).digest();

export function unsubscribeToken(keys: Keys, accountId: string, purpose: ConsentPurpose): string {
  const [key] = keys;
  if (!key) throw new Error('No signing key configured');
  return `${Buffer.from(accountId, 'utf8').toString('base64url')}.${purpose}.${macOf(key.secret, accountId, purpose).toString('base64url')}`;
}

/** The link for a message's footer and its List-Unsubscribe header (GET shows the page, POST is RFC 8058 one-click). */
export function unsubscribeLinkFor(services: Pick<Services, 'config'>, accountId: string, purpose: ConsentPurpose): string {
  return `${services.config.API_PUBLIC_URL}/api/unsubscribe?token=${unsubscribeToken(services.config.UNSUBSCRIBE_SIGNING_KEYS, accountId, purpose)}`;
}

/** Whose consent and which: 400 unsubscribe_link_invalid for a mangled token, 403 unsubscribe_link_forged for a wrong signature. */
export function openUnsubscribeToken(keys: Keys, token: string): { accountId: string; purpose: ConsentPurpose } {
  const match = /^([A-Za-z0-9_-]{1,200})\.([A-Za-z]{1,40})\.([A-Za-z0-9_-]{43})$/.exec(token);
  const purpose = consentPurposes.find((p) => p === match?.[2]);
  if (!match || !purpose) throw new AppError('unsubscribe_link_invalid');
  const accountId = Buffer.from(match[1]!, 'base64url').toString('utf8');
  const mac = Buffer.from(match[3]!, 'base64url');
  // Only the one encoding we hand out: a base64url letter with other spare bits decodes alike.
  if (Buffer.from(accountId, 'utf8').toString('base64url') !== match[1] || mac.toString('base64url') !== match[3])
    throw new AppError('unsubscribe_link_forged');
  if (!keys.some((k) => timingSafeEqual(macOf(k.secret, accountId, purpose), mac))) throw new AppError('unsubscribe_link_forged');
  return { accountId, purpose };
}

/** GET of the link (PRIV-6): the page that asks, and nothing changed; an account that is gone has nothing to withdraw. */
export async function unsubscribeQuestion(services: Pick<Services, 'db' | 'config'>, token: string, language: Language): Promise<string> {
  const { accountId, purpose } = openUnsubscribeToken(services.config.UNSUBSCRIBE_SIGNING_KEYS, token);
  const account = await readAccount(services, accountId);
  return unsubscribeQuestionPage(language, purpose, token, account?.consents?.[purpose]?.given === true);
}

/** POST of the link (RFC 8058 one-click, or the page's button): withdraws at once, idempotently. */
export async function unsubscribeByLink(services: Pick<Services, 'db' | 'config' | 'clock'>, token: string, language: Language): Promise<string> {
  const { accountId, purpose } = openUnsubscribeToken(services.config.UNSUBSCRIBE_SIGNING_KEYS, token);
  try {
    await setConsent(services, { accountId, purpose, given: false, channel: 'unsubscribe-link', by: accountId });
  } catch (error) {
    // An account that is gone has no consent left to withdraw: the answer is the same.
    if (!isAppError(error, 'account_not_found')) throw error;
  }
  return unsubscribedPage(language);
}
