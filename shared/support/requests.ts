import { randomUUID } from 'node:crypto';

import { z } from 'zod';

import { readAccount } from '../accounts/index.js';
import { queueEmail } from '../messaging/index.js';
import { type Doc, DocumentExistsError, type Page, updateWithEtag } from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import { keyedId } from '../platform/idempotency.js';
import { pageOf, type PageRequest } from '../platform/paging.js';
import type { Services } from '../platform/services.js';

/** ACC-6: a user's inquiry to user support with its whole history, kept with the account. */
export interface SupportRequestDoc extends Doc {
  type: 'support-request';
  accountId: string;
  subject: string;
  status: 'open' | 'answered' | 'closed';
  messages: { from: 'user' | 'support'; by: string; at: string; text: string; key?: string }[];
  createdAt: string;
  updatedAt: string;
}

/** Per-person limits (issue 9, defect 8): what one account can make the store hold. */
const SUPPORT_LIMITS = { openRequests: 20, messagesPerRequest: 40 } as const;

export interface SupportRequestView {
  id: string;
  subject: string;
  status: SupportRequestDoc['status'];
  messages: { from: 'user' | 'support'; at: string; text: string }[];
  createdAt: string;
  updatedAt: string;
}

const supportMessageSchema = z.object({ from: z.enum(['user', 'support']), at: z.string(), text: z.string() });

/** The user's view of a support request (no staff names). */
export const supportRequestViewSchema = z.object({
  id: z.string(),
  subject: z.string(),
  status: z.enum(['open', 'answered', 'closed']),
  messages: z.array(supportMessageSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** User support's view: the user's, with whose request it is and who answered (not the store's own fields). */
export const supportRequestStaffViewSchema = supportRequestViewSchema.extend({
  accountId: z.string(),
  messages: z.array(supportMessageSchema.extend({ by: z.string() })),
});

export function supportRequestView(doc: SupportRequestDoc): SupportRequestView {
  return {
    id: doc.id,
    subject: doc.subject,
    status: doc.status,
    // Which staff member answered is in the audit trail; the user sees that support answered.
    messages: doc.messages.map(({ from, at, text }) => ({ from, at, text })),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

export function supportRequestStaffView(doc: SupportRequestDoc): z.output<typeof supportRequestStaffViewSchema> {
  return {
    ...supportRequestView(doc),
    accountId: doc.accountId,
    messages: doc.messages.map(({ from, by, at, text }) => ({ from, by, at, text })),
  };
}

type Deps = Pick<Services, 'db' | 'clock'>;

/**
 * Opens a support request. With an idempotency key the id is derived from it, so a retry (after a 503 or a lost
 * answer) returns the request the first attempt opened instead of opening a second one.
 */
export async function openRequest(
  deps: Deps,
  accountId: string,
  input: { subject: string; message: string },
  key?: string,
): Promise<{ request: SupportRequestDoc; replayed: boolean }> {
  const accounts = deps.db.collection('accounts');
  const id = key ? `support:${keyedId(accountId, key)}` : `support:${randomUUID()}`;
  const replay = async () => {
    const existing = await accounts.read<SupportRequestDoc>(id, accountId);
    if (!existing || existing.type !== 'support-request') return undefined;
    if (existing.subject !== input.subject || existing.messages[0]?.text !== input.message) throw new AppError('idempotency_key_reused');
    return { request: existing, replayed: true };
  };
  if (key) {
    const earlier = await replay();
    if (earlier) return earlier;
  }
  const open = await accounts.count(accountId, "c.type = 'support-request' AND c.status != 'closed'");
  if (open >= SUPPORT_LIMITS.openRequests) throw new AppError('support_request_limit', { params: { limit: SUPPORT_LIMITS.openRequests } });
  const at = deps.clock.now().toISOString();
  try {
    const request = await accounts.create<SupportRequestDoc>({
      id,
      type: 'support-request',
      accountId,
      subject: input.subject,
      status: 'open',
      messages: [{ from: 'user', by: accountId, at, text: input.message }],
      createdAt: at,
      updatedAt: at,
    });
    return { request, replayed: false };
  } catch (error) {
    if (error instanceof DocumentExistsError && key) {
      const earlier = await replay();
      if (earlier) return earlier;
    }
    throw error;
  }
}

/** One page of a person's support requests, most recently active first (one single-partition query). */
export async function listRequests(
  deps: Pick<Services, 'db' | 'config'>,
  accountId: string,
  page: PageRequest = {},
): Promise<Page<SupportRequestDoc>> {
  return pageOf<SupportRequestDoc>(
    deps,
    { container: 'accounts', partitionKey: accountId, where: "c.type = 'support-request'", orderBy: 'c.updatedAt DESC', defaultPageSize: 10 },
    page,
  );
}

/** Adds a message from the user (reopening the request) or from support (answering or closing it). */
export async function addMessage(
  deps: Deps,
  input: { accountId: string; requestId: string; from: 'user' | 'support'; by: string; text: string; close?: boolean; key?: string | undefined },
): Promise<SupportRequestDoc> {
  const key = input.key ? keyedId(input.by, input.key) : undefined;
  const updated = await updateWithEtag<SupportRequestDoc>(
    deps.db.collection('accounts'),
    input.requestId,
    input.accountId,
    (current) => {
      // A retried message (same idempotency key) was already added by the first attempt.
      const earlier = key ? current.messages.find((m) => m.key === key) : undefined;
      if (earlier) {
        if (earlier.text !== input.text) throw new AppError('idempotency_key_reused');
        return undefined;
      }
      if (current.messages.length >= SUPPORT_LIMITS.messagesPerRequest)
        throw new AppError('support_request_full', { params: { limit: SUPPORT_LIMITS.messagesPerRequest } });
      const at = deps.clock.now().toISOString();
      const status: SupportRequestDoc['status'] = input.from === 'user' ? 'open' : input.close ? 'closed' : 'answered';
      return {
        ...current,
        status,
        messages: [...current.messages, { from: input.from, by: input.by, at, text: input.text, ...(key ? { key } : {}) }],
        updatedAt: at,
      };
    },
    { type: 'support-request' },
  );
  if (!updated) throw new AppError('support_request_not_found');
  return updated.doc;
}

const answeredText = {
  et: (subject: string) => ({
    subject: `Kasutajatugi vastas: ${subject}`,
    text: 'Kasutajatugi vastas sinu pöördumisele. Vastust näed Opiqis oma profiili all.',
  }),
  fi: (subject: string) => ({
    subject: `Käyttäjätuki vastasi: ${subject}`,
    text: 'Käyttäjätuki vastasi yhteydenottoosi. Näet vastauksen Opiqissa profiilisi alla.',
  }),
  en: (subject: string) => ({
    subject: `User support answered: ${subject}`,
    text: 'User support answered your request. You can read the answer in Opiq under your profile.',
  }),
};

/** Tells the user an answer is waiting, without putting the answer itself into e-mail. */
export async function notifyAnswered(services: Services, request: SupportRequestDoc): Promise<void> {
  const account = await readAccount(services, request.accountId);
  if (!account?.email) return;
  const mail = answeredText[account.language](request.subject.slice(0, 100));
  await queueEmail(
    services,
    { to: account.email, category: 'service', ...mail, country: account.country, language: account.language },
    `support-answer:${request.id}:${request.messages.length}`,
  );
}
