import { randomUUID } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { api } from './helpers.js';

const outbox = async () => (await api<{ subject: string; to: string; category: string }[]>('/_local/outbox')).body;

describe('queue functions on the local bus', () => {
  it('MKT-2: a queued service e-mail is sent through the e-mail adapter', async () => {
    const subject = `Hooldustööd ${randomUUID()}`;
    const r = await api('/admin/functions/email-send', {
      method: 'POST',
      json: { input: { to: 'mari.mets@kuusiku.example', subject, text: 'Teenus on laupäeval 2 tundi maas.', category: 'service' } },
    });
    expect(r.status).toBe(202);
    const sent = (await outbox()).filter((m) => m.subject === subject);
    expect(sent).toEqual([expect.objectContaining({ to: 'mari.mets@kuusiku.example', category: 'service' })]);
  });

  it('a message whose handler keeps failing is redelivered up to the max delivery count, then dead-lettered', async () => {
    const marker = randomUUID();
    // Not a valid e-mail message: the handler rejects it on every delivery.
    await api('/admin/functions/email-send', {
      method: 'POST',
      json: { input: { to: 'not-an-address', subject: marker }, messageId: `poison-${marker}` },
    });
    const dead = (await api<Record<string, { messageId: string; deliveryCount: number; deadLetterReason: string }[]>>('/_local/dead-letters')).body;
    expect(dead['email-outbound']).toContainEqual(
      expect.objectContaining({ messageId: `poison-${marker}`, deliveryCount: 10, deadLetterReason: 'MaxDeliveryCountExceeded' }),
    );
    expect((await outbox()).some((m) => m.subject === marker)).toBe(false);
  });

  it('a repeated message id inside the duplicate-detection window is delivered once', async () => {
    const subject = `Kordus ${randomUUID()}`;
    const input = { to: 'jaan.tamm@kuusiku.example', subject, text: 'Sama teade kaks korda.', category: 'service' };
    for (let i = 0; i < 3; i++) await api('/admin/functions/email-send', { method: 'POST', json: { input, messageId: `dup-${subject}` } });
    expect((await outbox()).filter((m) => m.subject === subject)).toHaveLength(1);
  });
});
