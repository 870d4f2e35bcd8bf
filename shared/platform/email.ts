export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** 'service' | 'security' | 'transaction' | 'marketing': marketing needs consent (MKT-1) and is tagged for SendGrid. */
  category: 'service' | 'security' | 'transaction' | 'marketing';
}

export interface EmailSender {
  send(message: EmailMessage): Promise<void>;
}

/** SendGrid, used when SENDGRID_API_KEY is set. */
export async function createSendGridSender(apiKey: string, from: string, baseUrl?: string): Promise<EmailSender> {
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
      await mail.send({
        to: message.to,
        from,
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
  sentAt: string;
}

/** The developer's outbox: e-mails are kept in memory and readable at GET /_local/outbox. */
export class Outbox implements EmailSender {
  readonly messages: OutboxEntry[] = [];
  constructor(
    private readonly from: string,
    private readonly limit = 1000,
  ) {}
  async send(message: EmailMessage): Promise<void> {
    this.messages.push({ ...message, from: this.from, sentAt: new Date().toISOString() });
    if (this.messages.length > this.limit) this.messages.shift();
  }
}
