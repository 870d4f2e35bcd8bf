import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createSendGridSender, type EmailBatch, Outbox } from './email.js';

/** A SendGrid v3 mail/send stand-in on loopback: answers 202 as SendGrid does and keeps what it was sent. */
const received: { path: string; authorization: string | undefined; body: any }[] = [];
const server = createServer((request: IncomingMessage, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (c: Buffer) => chunks.push(c));
  request.on('end', () => {
    received.push({
      path: request.url ?? '',
      authorization: request.headers.authorization,
      body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
    });
    response.writeHead(202, { 'x-message-id': 'msg-1' }).end();
  });
});
let baseUrl = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const batch: EmailBatch = {
  subject: 'Uudised',
  text: 'Tere!\n\nLoobu: -unsubscribeUrl-',
  category: 'marketing',
  personalizations: [
    {
      to: 'mari@example.com',
      substitutions: { '-unsubscribeUrl-': 'https://api.example/api/unsubscribe?token=a' },
      headers: { 'List-Unsubscribe': '<https://api.example/api/unsubscribe?token=a>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      customArgs: { mailingId: 'm-1' },
    },
    {
      to: 'jaan@example.com',
      substitutions: { '-unsubscribeUrl-': 'https://api.example/api/unsubscribe?token=b' },
      customArgs: { mailingId: 'm-1' },
    },
  ],
};

describe('e-mail batches (MKT-1, MKT-2)', () => {
  it('MKT-1: the SendGrid adapter sends one request with one personalization per recipient, their own List-Unsubscribe, and no tracking of its own', async () => {
    const sender = await createSendGridSender('SG.test-key', 'noreply@opiq.example', baseUrl);
    await sender.sendBatch(batch);
    expect(received).toHaveLength(1);
    const [{ path, authorization, body }] = received as [(typeof received)[number]];
    expect(path).toBe('/v3/mail/send');
    expect(authorization).toBe('Bearer SG.test-key');
    expect(body.from).toEqual({ email: 'noreply@opiq.example' });
    expect(body.subject).toBe('Uudised');
    expect(body.content).toEqual([{ type: 'text/plain', value: batch.text }]);
    expect(body.categories).toEqual(['marketing']);
    expect(body.personalizations).toEqual([
      {
        to: [{ email: 'mari@example.com' }],
        substitutions: { '-unsubscribeUrl-': 'https://api.example/api/unsubscribe?token=a' },
        headers: { 'List-Unsubscribe': '<https://api.example/api/unsubscribe?token=a>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
        custom_args: { mailingId: 'm-1' },
      },
      {
        to: [{ email: 'jaan@example.com' }],
        substitutions: { '-unsubscribeUrl-': 'https://api.example/api/unsubscribe?token=b' },
        custom_args: { mailingId: 'm-1' },
      },
    ]);
    expect(body.tracking_settings).toEqual({
      click_tracking: { enable: false },
      open_tracking: { enable: false },
      subscription_tracking: { enable: false },
    });
  });

  it('MKT-1: the local outbox keeps the batch as sent and each recipient’s copy with the placeholders filled in', async () => {
    const outbox = new Outbox('noreply@opiq.example');
    await outbox.sendBatch(batch);
    expect(outbox.batches).toEqual([batch]);
    expect(outbox.messages.map((m) => [m.to, m.text, m.headers?.['List-Unsubscribe'], m.customArgs])).toEqual([
      [
        'mari@example.com',
        'Tere!\n\nLoobu: https://api.example/api/unsubscribe?token=a',
        '<https://api.example/api/unsubscribe?token=a>',
        { mailingId: 'm-1' },
      ],
      ['jaan@example.com', 'Tere!\n\nLoobu: https://api.example/api/unsubscribe?token=b', undefined, { mailingId: 'm-1' }],
    ]);
  });

  it('MKT-1: a batch over SendGrid’s 1000 personalizations is refused before anything is sent', async () => {
    const outbox = new Outbox('noreply@opiq.example');
    const big = { ...batch, personalizations: Array.from({ length: 1001 }, (_, i) => ({ to: `p${i}@example.com` })) };
    await expect(outbox.sendBatch(big)).rejects.toThrow(/1000/);
    expect(outbox.messages).toHaveLength(0);
  });
});
