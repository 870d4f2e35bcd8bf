import { randomUUID } from 'node:crypto';
import { readAccount } from '../accounts/store.js';
import { HttpError } from '../http/errors.js';
import { registerMessages } from '../http/i18n.js';
import { queueEmail } from '../messaging/index.js';
import { ConcurrentUpdateError, type Doc, type Stored } from '../platform/cosmos.js';
import type { Services } from '../platform/services.js';

registerMessages({
  support_request_not_found: {
    et: 'Sellist pöördumist ei ole.',
    fi: 'Tällaista yhteydenottoa ei ole.',
    en: 'There is no such support request.',
  },
});

/** ACC-6: a user's inquiry to user support with its whole history, kept with the account. */
export interface SupportRequestDoc extends Doc {
  type: 'support-request';
  accountId: string;
  subject: string;
  status: 'open' | 'answered' | 'closed';
  messages: { from: 'user' | 'support'; by: string; at: string; text: string }[];
  createdAt: string;
  updatedAt: string;
}

export interface SupportRequestView {
  id: string;
  subject: string;
  status: SupportRequestDoc['status'];
  messages: { from: 'user' | 'support'; at: string; text: string }[];
  createdAt: string;
  updatedAt: string;
}

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

type Deps = Pick<Services, 'db' | 'clock'>;

export async function openRequest(deps: Deps, accountId: string, input: { subject: string; message: string }): Promise<SupportRequestDoc> {
  const at = deps.clock.now().toISOString();
  return deps.db.collection('accounts').create<SupportRequestDoc>({
    id: `support:${randomUUID()}`,
    type: 'support-request',
    accountId,
    subject: input.subject,
    status: 'open',
    messages: [{ from: 'user', by: accountId, at, text: input.message }],
    createdAt: at,
    updatedAt: at,
  });
}

export async function listRequests(deps: Pick<Services, 'db'>, accountId: string): Promise<SupportRequestDoc[]> {
  return deps.db.collection('accounts').queryAll<SupportRequestDoc>(accountId, { where: "c.type = 'support-request'", orderBy: 'c.updatedAt DESC' });
}

/** Adds a message from the user (reopening the request) or from support (answering or closing it). */
export async function addMessage(
  deps: Deps,
  input: { accountId: string; requestId: string; from: 'user' | 'support'; by: string; text: string; close?: boolean },
): Promise<SupportRequestDoc> {
  const accounts = deps.db.collection('accounts');
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await accounts.read<SupportRequestDoc>(input.requestId, input.accountId);
    if (!current || current.type !== 'support-request') throw new HttpError(404, 'support_request_not_found');
    const at = deps.clock.now().toISOString();
    const status: SupportRequestDoc['status'] = input.from === 'user' ? 'open' : input.close ? 'closed' : 'answered';
    try {
      return await accounts.replace<SupportRequestDoc>({
        ...(current as SupportRequestDoc & Stored),
        status,
        messages: [...current.messages, { from: input.from, by: input.by, at, text: input.text }],
        updatedAt: at,
      });
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
    }
  }
  throw new HttpError(409, 'conflict');
}

const answeredText = {
  et: (subject: string) => ({ subject: `Kasutajatugi vastas: ${subject}`, text: 'Kasutajatugi vastas sinu pöördumisele. Vastust näed Opiqis oma profiili all.' }),
  fi: (subject: string) => ({ subject: `Käyttäjätuki vastasi: ${subject}`, text: 'Käyttäjätuki vastasi yhteydenottoosi. Näet vastauksen Opiqissa profiilisi alla.' }),
  en: (subject: string) => ({ subject: `User support answered: ${subject}`, text: 'User support answered your request. You can read the answer in Opiq under your profile.' }),
};

/** Tells the user an answer is waiting, without putting the answer itself into e-mail. */
export async function notifyAnswered(services: Services, request: SupportRequestDoc): Promise<void> {
  const account = await readAccount(services, request.accountId);
  if (!account?.email) return;
  const mail = answeredText[account.language](request.subject.slice(0, 100));
  await queueEmail(services, { to: account.email, category: 'service', ...mail }, `support-answer:${request.id}:${request.messages.length}`);
}
