import type { Country } from './countries.js';
import type { Language } from './language.js';

export interface EmailMessage {
  to: string;
  /** The reader's country: it picks the sender (OPS-3). Unset: the Estonian sender. */
  country?: Country;
  /** The reader's language, for the footer the sender adds (OPS-3). Unset: the country's own language. */
  language?: Language;
  subject: string;
  text: string;
  html?: string;
  /** 'service' | 'security' | 'transaction' | 'marketing': marketing needs consent (MKT-1) and is tagged for SendGrid. */
  category: 'service' | 'security' | 'transaction' | 'marketing';
}

/** A fixed sender address, or the sender per reader's country (OPS-3, `senderFor` in countries.ts). */
export type From = string | ((country: Country | undefined) => { email: string; name: string });

const senderOf = (from: From, country: Country | undefined) => (typeof from === 'string' ? { email: from, name: '' } : from(country));

export interface EmailSender {
  send(message: EmailMessage): Promise<void>;
}

/** SendGrid, used when SENDGRID_API_KEY is set. */
export async function createSendGridSender(apiKey: string, from: From, baseUrl?: string): Promise<EmailSender> {
  type Mail = typeof import('@sendgrid/mail');
  const { MailService } = (await import('@sendgrid/mail')) as unknown as { MailService: new () => Mail };
  const mail = new MailService();
  mail.setApiKey(apiKey);
  // A local SendGrid-compatible server can stand in (tests); production uses the default.
  if (baseUrl) {
    const { Client } = (await import('@sendgrid/client')).default as unknown as { Client: new () => import('@sendgrid/client').Client };
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
  };
}

export interface OutboxEntry extends EmailMessage {
  from: string;
  fromName?: string;
  sentAt: string;
}

/** The developer's outbox: e-mails are kept in memory and readable at GET /_local/outbox. */
export class Outbox implements EmailSender {
  readonly messages: OutboxEntry[] = [];
  constructor(
    private readonly from: From,
    private readonly limit = 1000,
  ) {}
  async send(message: EmailMessage): Promise<void> {
    const sender = senderOf(this.from, message.country);
    this.messages.push({ ...message, from: sender.email, ...(sender.name ? { fromName: sender.name } : {}), sentAt: new Date().toISOString() });
    if (this.messages.length > this.limit) this.messages.shift();
  }
}
