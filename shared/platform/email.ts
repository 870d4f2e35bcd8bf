import type { Country } from './countries.js';
import type { Language } from './language.js';

export interface EmailMessage {
  to: string;
  /** The reader's country: it picks the sender (OPS-3). Unset: the Estonian sender. */
  country?: Country;
  /** The reader's language, for the footer the sender adds (OPS-3). Unset: the country's own language. */
  language?: Language;
  /**
   * The reader's account, for mail queued where its country is not at hand (OPS-3): `email-send` reads the account's
   * country and language instead of falling back to the Estonian sender. Never leaves the platform.
   */
  readerAccountId?: string;
  /**
   * The country of the site the request came from (OPS-3): sender and footer when the reader's own country is not
   * known (an address with no account, or one whose account is gone by the time the mail is sent).
   */
  siteCountry?: Country;
  subject: string;
  text: string;
  html?: string;
  /** 'service' | 'security' | 'transaction' | 'marketing': marketing needs consent (MKT-1) and is tagged for SendGrid. */
  category: 'service' | 'security' | 'transaction' | 'marketing';
}

/**
 * One message to many (MKT-1, MKT-2), in SendGrid's shape: the same subject and body for everyone, one personalization
 * per recipient (each alone in its envelope, so nobody sees the others) with the values of its placeholders, its own
 * headers (List-Unsubscribe) and opaque correlation args (never an address: SendGrid keeps them).
 */
export interface EmailBatch {
  subject: string;
  /** May hold the placeholders of `substitutions` (e.g. -unsubscribeUrl-). */
  text: string;
  category: 'service' | 'marketing';
  /** The readers' country: decides the sender (OPS-3). */
  country?: Country;
  personalizations: { to: string; substitutions?: Record<string, string>; headers?: Record<string, string>; customArgs?: Record<string, string> }[];
}

/** SendGrid's per-request limit of personalizations. */
const MAX_BATCH_RECIPIENTS = 1000;
/** A fixed sender address, or the sender per reader's country (OPS-3, `senderFor` in countries.ts). */
export type From = string | ((country: Country | undefined) => { email: string; name: string });

const senderOf = (from: From, country: Country | undefined) => (typeof from === 'string' ? { email: from, name: '' } : from(country));

export interface EmailSender {
  send(message: EmailMessage): Promise<void>;
  sendBatch(batch: EmailBatch): Promise<void>;
}

/** A batch's copy for one recipient, as their mailbox shows it: placeholders filled in. */
function renderFor(batch: EmailBatch, personalization: EmailBatch['personalizations'][number]): { subject: string; text: string } {
  let { subject, text } = batch;
  for (const [key, value] of Object.entries(personalization.substitutions ?? {})) {
    subject = subject.split(key).join(value);
    text = text.split(key).join(value);
  }
  return { subject, text };
}

/** SendGrid, used when SENDGRID_API_KEY is set. */
export async function createSendGridSender(apiKey: string, from: From, baseUrl?: string): Promise<EmailSender> {
  type Mail = typeof import('@sendgrid/mail');
  const { MailService } = (await import('@sendgrid/mail')) as unknown as { MailService: new () => Mail };
  const mail = new MailService();
  mail.setApiKey(apiKey);
  // A local SendGrid-compatible server can stand in (tests); production uses the default.
  if (baseUrl) {
    const { Client } = (await import('@sendgrid/client')) as unknown as { Client: new () => import('@sendgrid/client').Client };
    const client = new Client();
    client.setApiKey(apiKey);
    client.setDefaultRequest('baseUrl', baseUrl);
    mail.setClient(client);
  }
  return {
    async send(message) {
      const sender = senderOf(from, message.country);
      await mail.send({
        to: message.to,
        from: sender.name ? { email: sender.email, name: sender.name } : sender.email,
        subject: message.subject,
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
        categories: [message.category],
        // Only marketing may be suppressed by the recipient's unsubscribe group; the rest are service mail.
        trackingSettings: { clickTracking: { enable: false }, openTracking: { enable: false } },
      });
    },
    async sendBatch(batch) {
      if (batch.personalizations.length > MAX_BATCH_RECIPIENTS) throw new Error(`At most ${MAX_BATCH_RECIPIENTS} recipients per batch`);
      const sender = senderOf(from, batch.country);
      await mail.send({
        from: sender.name ? { email: sender.email, name: sender.name } : sender.email,
        subject: batch.subject,
        // One recipient per personalization: each gets their own envelope, placeholders and List-Unsubscribe.
        personalizations: batch.personalizations.map((p) => ({
          to: [{ email: p.to }],
          ...(p.substitutions ? { substitutions: p.substitutions } : {}),
          ...(p.headers ? { headers: p.headers } : {}),
          ...(p.customArgs ? { customArgs: p.customArgs } : {}),
        })),
        content: [{ type: 'text/plain', value: batch.text }],
        // Our placeholders are whole keys (-unsubscribeUrl-): the helper would otherwise wrap each key in {{ }}.
        substitutionWrappers: ['', ''],
        categories: [batch.category],
        // Our own signed one-click unsubscribe (RFC 8058), not SendGrid's subscription tracking, which adds its own.
        trackingSettings: { clickTracking: { enable: false }, openTracking: { enable: false }, subscriptionTracking: { enable: false } },
      });
    },
  };
}

export interface OutboxEntry extends EmailMessage {
  from: string;
  fromName?: string;
  sentAt: string;
  /** A batch recipient's own headers (List-Unsubscribe) and correlation args. */
  headers?: Record<string, string>;
  customArgs?: Record<string, string>;
}

/** The developer's outbox: e-mails are kept in memory and readable at GET /_local/outbox. */
export class Outbox implements EmailSender {
  readonly messages: OutboxEntry[] = [];
  /** Batches as they would go to SendGrid (one request each), for tests of their shape. */
  readonly batches: EmailBatch[] = [];
  constructor(
    private readonly from: From,
    private readonly limit = 1000,
  ) {}
  async send(message: EmailMessage): Promise<void> {
    const sender = senderOf(this.from, message.country);
    this.messages.push({ ...message, from: sender.email, ...(sender.name ? { fromName: sender.name } : {}), sentAt: new Date().toISOString() });
    if (this.messages.length > this.limit) this.messages.shift();
  }
  /** Keeps the batch, and each recipient's copy as a message of its own (what their mailbox would show). */
  async sendBatch(batch: EmailBatch): Promise<void> {
    if (batch.personalizations.length > MAX_BATCH_RECIPIENTS) throw new Error(`At most ${MAX_BATCH_RECIPIENTS} recipients per batch`);
    this.batches.push(batch);
    if (this.batches.length > this.limit) this.batches.shift();
    for (const p of batch.personalizations) {
      const { headers, customArgs } = p;
      await this.send({ to: p.to, ...renderFor(batch, p), category: batch.category });
      Object.assign(this.messages.at(-1)!, { ...(headers ? { headers } : {}), ...(customArgs ? { customArgs } : {}) });
    }
  }
}
