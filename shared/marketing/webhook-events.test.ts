import { generateKeyPairSync, sign } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ListBus } from '../../test/list-bus.js';
import { writeTestAccount } from '../../test/unit-account.js';
import { unitConfig } from '../../test/unit-config.js';
import type { AccountDoc } from '../accounts/index.js';
import { type EmbeddedCosmos, startEmbeddedCosmos } from '../local/cosmos-server.js';
import type { Clock } from '../platform/clock.js';
import { createDatabase, type Database } from '../platform/cosmos.js';
import { isAppError } from '../platform/errors.js';
import type { Services } from '../platform/services.js';
import { dataRegistry, storageRules } from '../privacy/registry.js';
import { suppressedAmong } from './suppressions.js';
import { applySendGridWork, receiveSendGridEvents, type SendGridWork, sendGridWorkSchema, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './webhook.js';

/**
 * MKT-1, MKT-2: what a verified SendGrid delivery asks of us (which events suppress an address, which withdraw a
 * consent), the queued work, and the signature's edges, signed here with our own P-256 key in SendGrid's scheme
 * (webhook.test.ts checks SendGrid's published vector). Against the embedded Cosmos server in the test worker so
 * mutation testing reaches the work (issue 19, module sendgrid-webhook).
 */
const NOW_SECONDS = 1_800_000_000;
const clock: Clock = { now: () => new Date(NOW_SECONDS * 1000) };
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PUBLIC_KEY = ec.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
const config = unitConfig({ SENDGRID_WEBHOOK_PUBLIC_KEY: PUBLIC_KEY });

let cosmos: EmbeddedCosmos;
let db: Database;
beforeAll(async () => {
  cosmos = await startEmbeddedCosmos();
  db = createDatabase(cosmos.client, dataRegistry.database, storageRules, clock);
});
afterAll(async () => {
  await cosmos?.close();
});

/** SendGrid's scheme: ECDSA P-256, SHA-256 over the timestamp's bytes and then the raw body, DER, base64. */
function signed(body: Uint8Array | string, timestamp = String(NOW_SECONDS - 10)) {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp, 'utf8'), bytes]), ec.privateKey).toString('base64');
  return { headers: { signature, timestamp }, body: bytes };
}

async function deliver(events: unknown, options: { key?: string } = {}) {
  const bus = new ListBus();
  const services = { bus, clock, config: { ...config, SENDGRID_WEBHOOK_PUBLIC_KEY: options.key ?? PUBLIC_KEY } } as unknown as Services;
  const { headers, body } = signed(JSON.stringify(events));
  const answer = await receiveSendGridEvents(services, headers, body);
  return { answer, sent: bus.sent, work: bus.sent.map((s) => s.message.body as SendGridWork) };
}

async function outcome(headers: { signature: string; timestamp: string }, body: Uint8Array, key = PUBLIC_KEY) {
  const services = { bus: new ListBus(), clock, config: { ...config, SENDGRID_WEBHOOK_PUBLIC_KEY: key } } as unknown as Services;
  try {
    await receiveSendGridEvents(services, headers, body);
    return 'accepted';
  } catch (error) {
    for (const code of ['sendgrid_signature_invalid', 'sendgrid_events_invalid'] as const) if (isAppError(error, code)) return code;
    throw error;
  }
}

describe('SendGrid event webhook: the signature (MKT-1)', () => {
  it('MKT-1: the headers are the ones SendGrid sends', () => {
    expect(SIGNATURE_HEADER).toBe('x-twilio-email-event-webhook-signature');
    expect(TIMESTAMP_HEADER).toBe('x-twilio-email-event-webhook-timestamp');
  });

  it('MKT-1: a timestamp that is not only digits is refused even when signed (it would skip the freshness check)', async () => {
    const body = new TextEncoder().encode('[]');
    for (const timestamp of [`x${NOW_SECONDS}`, `${NOW_SECONDS}x`, `${NOW_SECONDS}.5`, ' 1800000000']) {
      const { headers } = signed(body, timestamp);
      expect(await outcome(headers, body)).toBe('sendgrid_signature_invalid');
    }
    expect(await outcome(signed(body).headers, body)).toBe('accepted');
  });

  it('MKT-1: a configured key that is not an EC key makes every delivery invalid, never valid', async () => {
    const ed = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    const { headers, body } = signed('[]');
    expect(await outcome(headers, body, ed)).toBe('sendgrid_signature_invalid');
  });

  it('MKT-1: a signed body that is not UTF-8, not JSON or not an array is refused as invalid events', async () => {
    const notUtf8 = Buffer.concat([Buffer.from('[{"event":"bounce","email":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('@x.ee"}]')]);
    const a = signed(notUtf8);
    expect(await outcome(a.headers, a.body)).toBe('sendgrid_events_invalid');
    const b = signed('{"event":');
    expect(await outcome(b.headers, b.body)).toBe('sendgrid_events_invalid');
    const c = signed('{"event":"bounce"}');
    expect(await outcome(c.headers, c.body)).toBe('sendgrid_events_invalid');
  });
});

describe('SendGrid event webhook: what a delivery asks of us (MKT-1, MKT-2)', () => {
  it('MKT-2: hard bounces, drops, spam reports and unsubscribes suppress the address; blocked bounces and the rest do not', async () => {
    const { answer, sent, work } = await deliver([
      { event: 'bounce', type: 'bounce', email: 'hard@example.ee' },
      { event: 'bounce', type: 'blocked', email: 'blocked@example.ee' },
      { event: 'dropped', email: 'dropped@example.ee' },
      { event: 'spamreport', email: 'spam@example.ee' },
      { event: 'unsubscribe', email: 'unsub@example.ee' },
      { event: 'group_unsubscribe', email: 'group@example.ee' },
      { event: 'delivered', email: 'delivered@example.ee' },
      { event: 'open', email: 'open@example.ee' },
    ]);
    expect(answer).toEqual({ events: 8, suppressions: 5 });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.queue).toBe('sendgrid-events');
    expect(work[0]).toEqual({
      suppress: [
        { address: 'hard@example.ee', reason: 'bounce' },
        { address: 'dropped@example.ee', reason: 'dropped' },
        { address: 'spam@example.ee', reason: 'spamreport' },
        { address: 'unsub@example.ee', reason: 'unsubscribe' },
        { address: 'group@example.ee', reason: 'unsubscribe' },
      ],
      withdraw: [],
    });
  });

  it('MKT-2: addresses are trimmed and lower-cased, once each; entries that are no events or no addresses are skipped', async () => {
    const long = `${'a'.repeat(309)}@example.ee`; // 320 characters: the longest address kept
    const { answer, work } = await deliver([
      null,
      5,
      'bounce',
      { event: 'bounce', email: '  Mari@Example.EE ' },
      { event: 'dropped', email: 'mari@example.ee' },
      { event: 'bounce', email: 'no-at-sign' },
      { event: 'bounce', email: 42 },
      { event: 'bounce', email: long },
      { event: 'bounce', email: `a${long}` },
    ]);
    expect(answer).toEqual({ events: 9, suppressions: 2 });
    expect(work[0]!.suppress).toEqual([
      { address: 'mari@example.ee', reason: 'dropped' },
      { address: long, reason: 'bounce' },
    ]);
  });

  it("MKT-1: a spam report or unsubscribe of a newsletter withdraws its reader's consent; other mail and other events do not", async () => {
    const id100 = `acc-${'x'.repeat(96)}`;
    const { answer, work } = await deliver([
      { event: 'spamreport', category: 'marketing', accountId: 'acc-spam' },
      { event: 'unsubscribe', category: ['newsletter-2026', 'marketing'], accountId: 'acc-unsub' },
      { event: 'group_unsubscribe', category: 'marketing', accountId: 'acc-group' },
      { event: 'spamreport', category: 'service', accountId: 'acc-service' },
      { event: 'spamreport', category: ['service'], accountId: 'acc-service-list' },
      { event: 'spamreport', accountId: 'acc-no-category' },
      { event: 'bounce', category: 'marketing', accountId: 'acc-bounce' },
      { event: 'open', category: 'marketing', accountId: 'acc-open' },
      { event: 'spamreport', category: 'marketing', accountId: '' },
      { event: 'spamreport', category: 'marketing', accountId: 7 },
      { event: 'spamreport', category: 'marketing', accountId: ['acc-in-a-list'] },
      { event: 'spamreport', category: 'marketing', accountId: id100 },
      { event: 'spamreport', category: 'marketing', accountId: `${id100}y` },
    ]);
    expect(answer).toEqual({ events: 13, suppressions: 0 });
    // Each with when it was reported (the delivery's time: these events carry none), so a consent given later stands.
    const reported = (accountId: string) => ({ accountId, reportedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown as string });
    expect(work).toEqual([{ suppress: [], withdraw: ['acc-spam', 'acc-unsub', 'acc-group', id100].map(reported) }]);
  });

  it("MKT-1: a reader's report is dated by its event's own time, the latest of theirs, never later than the delivery; an event without a usable time takes the delivery's", async () => {
    const delivered = NOW_SECONDS - 10;
    const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
    const spam = (accountId: string, timestamp: unknown) => ({ event: 'spamreport', category: 'marketing', accountId, timestamp });
    const events = [
      spam('acc-own', NOW_SECONDS - 100),
      spam('acc-future', NOW_SECONDS + 1000),
      spam('acc-text', String(NOW_SECONDS - 100)),
      spam('acc-zero', 0),
      spam('acc-negative', -5),
      spam('acc-none', null),
      spam('acc-later-first', NOW_SECONDS - 50),
      spam('acc-later-first', NOW_SECONDS - 300),
      spam('acc-later-last', NOW_SECONDS - 300),
      spam('acc-later-last', NOW_SECONDS - 50),
    ];
    // A number JSON can carry but JavaScript cannot hold (Infinity once parsed).
    const text = JSON.stringify(events).replace(/]$/, ',{"event":"spamreport","category":"marketing","accountId":"acc-infinite","timestamp":1e999}]');
    const bus = new ListBus();
    const services = { bus, clock, config: { ...config, SENDGRID_WEBHOOK_PUBLIC_KEY: PUBLIC_KEY } } as unknown as Services;
    const { headers, body } = signed(text, String(delivered));
    await receiveSendGridEvents(services, headers, body);
    const [work] = bus.sent.map((s) => s.message.body as SendGridWork);
    expect(work!.withdraw).toEqual([
      { accountId: 'acc-own', reportedAt: iso(NOW_SECONDS - 100) },
      { accountId: 'acc-future', reportedAt: iso(delivered) },
      { accountId: 'acc-text', reportedAt: iso(delivered) },
      { accountId: 'acc-zero', reportedAt: iso(delivered) },
      { accountId: 'acc-negative', reportedAt: iso(delivered) },
      { accountId: 'acc-none', reportedAt: iso(delivered) },
      { accountId: 'acc-later-first', reportedAt: iso(NOW_SECONDS - 50) },
      { accountId: 'acc-later-last', reportedAt: iso(NOW_SECONDS - 50) },
      { accountId: 'acc-infinite', reportedAt: iso(delivered) },
    ]);
  });

  it('MKT-2: nothing to do queues nothing; a large delivery is split into messages of 200, each id a hash of its work', async () => {
    expect((await deliver([{ event: 'delivered', email: 'a@example.ee' }])).sent).toEqual([]);
    const events = [
      ...Array.from({ length: 450 }, (_, i) => ({ event: 'bounce', email: `p${i}@example.ee` })),
      { event: 'spamreport', category: 'marketing', accountId: 'acc-1', email: 'p0@example.ee' },
    ];
    const { sent, work } = await deliver(events);
    expect(work.map((w) => [w.suppress.length, w.withdraw.length])).toEqual([
      [200, 1],
      [200, 0],
      [50, 0],
    ]);
    expect(work.flatMap((w) => w.suppress.map((s) => s.address))).toEqual(Array.from({ length: 450 }, (_, i) => `p${i}@example.ee`));
    for (const w of work) expect(sendGridWorkSchema.parse(w)).toEqual(w);
    const ids = sent.map((s) => s.message.messageId);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^sendgrid:[A-Za-z0-9_-]{43}$/);
    // SendGrid retrying the same delivery makes the same messages, so the queue drops the repeat.
    expect((await deliver(events)).sent.map((s) => s.message.messageId)).toEqual(ids);
  });

  it('MKT-2: the queued work is checked: at most 200 of each, real addresses and account ids, nothing else', () => {
    const reportedAt = '2026-11-30T10:00:00.000Z';
    const reader = (accountId: string) => ({ accountId, reportedAt });
    const ok = { suppress: [{ address: 'a@b.ee', reason: 'bounce' }], withdraw: [reader('acc-1')] };
    expect(sendGridWorkSchema.safeParse(ok).success).toBe(true);
    const refused = [
      { ...ok, extra: 1 },
      { withdraw: [] },
      { suppress: [] },
      { ...ok, suppress: [{ address: 'ab', reason: 'bounce' }] },
      { ...ok, suppress: [{ address: `${'a'.repeat(315)}@b.eee`, reason: 'bounce' }] },
      { ...ok, suppress: [{ address: 'a@b.ee', reason: 'opened' }] },
      { ...ok, suppress: [{ address: 'a@b.ee', reason: 'bounce', extra: 1 }] },
      { ...ok, suppress: Array.from({ length: 201 }, (_, i) => ({ address: `p${i}@b.ee`, reason: 'bounce' })) },
      { ...ok, withdraw: [reader('')] },
      { ...ok, withdraw: [reader('x'.repeat(101))] },
      { ...ok, withdraw: ['acc-1'] },
      { ...ok, withdraw: [{ accountId: 'acc-1', reportedAt: 'yesterday' }] },
      { ...ok, withdraw: Array.from({ length: 201 }, (_, i) => reader(`acc-${i}`)) },
    ];
    for (const work of refused) expect(sendGridWorkSchema.safeParse(work).success, JSON.stringify(work).slice(0, 80)).toBe(false);
    expect(sendGridWorkSchema.safeParse({ ...ok, suppress: [{ address: `${'a'.repeat(314)}@b.eee`, reason: 'bounce' }] }).success).toBe(true);
    expect(sendGridWorkSchema.safeParse({ ...ok, withdraw: [reader('x'.repeat(100))] }).success).toBe(true);
    const full = {
      suppress: Array.from({ length: 200 }, (_, i) => ({ address: `p${i}@b.ee`, reason: 'bounce' })),
      withdraw: Array.from({ length: 200 }, (_, i) => reader(`acc-${i}`)),
    };
    expect(sendGridWorkSchema.safeParse(full).success).toBe(true);
  });
});

describe('SendGrid event webhook: the queued work (MKT-1, MKT-2)', () => {
  const services = () => ({ db, clock, config }) as unknown as Services;

  it('MKT-2: the addresses are suppressed; MKT-1: the readers lose their newsletter consent; an account that is gone is skipped', async () => {
    const at = clock.now().toISOString();
    await writeTestAccount(db, clock, 'acc-reader', {
      consents: { newsletter: { given: true, version: 'v1', at, channel: 'sign-up' } },
    });
    await applySendGridWork(services(), {
      suppress: [
        { address: 'gone@example.ee', reason: 'bounce' },
        { address: 'spam@example.ee', reason: 'spamreport' },
      ],
      withdraw: ['acc-missing', 'acc-reader'].map((accountId) => ({ accountId, reportedAt: at })),
    });
    const found = await suppressedAmong(services(), ['gone@example.ee', 'spam@example.ee', 'kept@example.ee']);
    expect([...found].sort()).toEqual(['gone@example.ee', 'spam@example.ee']);
    const reader = await db.collection('accounts').read<AccountDoc>('acc-reader', 'acc-reader');
    expect(reader!.consents?.newsletter).toMatchObject({ given: false, channel: 'spam-report' });
  });

  it('MKT-1: a store failure while withdrawing is not taken for a missing account (the message is retried)', async () => {
    const failing = {
      collection: (name: Parameters<Database['collection']>[0]) => {
        const collection = db.collection(name);
        if (name !== 'accounts') return collection;
        return new Proxy(collection, {
          get: (target, key) =>
            key === 'read'
              ? () => Promise.reject(new Error('store unavailable'))
              : key === 'replace' || key === 'upsert'
                ? () => Promise.reject(new Error('store unavailable'))
                : Reflect.get(target, key, target),
        });
      },
    } as unknown as Database;
    await expect(
      applySendGridWork(
        { ...services(), db: failing },
        { suppress: [], withdraw: [{ accountId: 'acc-reader', reportedAt: clock.now().toISOString() }] },
      ),
    ).rejects.toThrow('store unavailable');
  });
});
