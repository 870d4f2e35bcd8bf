import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import type { MaksekeskusStandIn, SignedMessage } from '../shared/local/maksekeskus/index.js';
import { demo } from '../shared/local/seed.js';
import { computeMac } from '../shared/payments/mac.js';
import type { Doc, Stored } from '../shared/platform/cosmos.js';
import { emptyCounts, withOperationCounter } from '../shared/platform/operations.js';
import { localDate } from '../shared/store/dates.js';
import { mayOpenWork } from '../shared/store/licences.js';
import { type EntitlementDoc, entitlementId, type OrderDoc } from '../shared/store/model.js';

/**
 * PAY-2 abuse suite and the clock-dependent shop cases, on a host of their own (in-process access to the Maksekeskus
 * stand-in, the database and the clock). Every message is a real MAC-signed one from the stand-in unless the test
 * forges it. The promise: exactly one licence where the payment is real, none otherwise, every message stored,
 * and no 5xx anywhere.
 */

let host: LocalHost;
let mk: MaksekeskusStandIn;
/** Every status the payment endpoints answered in this file: none may be a 5xx. */
const answered: number[] = [];

beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false, redeliveryDelayMs: 5 });
  mk = host.maksekeskus!;
});
afterAll(async () => host?.close());

const NOTIFY = () => `${host.url}/api/payments/maksekeskus/notification`;
const RETURN = () => `${host.url}/api/payments/maksekeskus/return`;
const today = () => localDate(host.clock.now());

async function token(accountId: string): Promise<string> {
  const r = await fetch(`${host.url}/_local/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accountId }),
  });
  return ((await r.json()) as { accessToken: string }).accessToken;
}

async function call(path: string, init: { method?: string; token?: string; json?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(`${host.url}${path}`, {
    method: init.method ?? 'GET',
    headers,
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
  });
  const text = await r.text();
  return { status: r.status, headers: r.headers, body: text && (r.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text };
}

type Encoding = 'form' | 'json' | 'query';

/** Sends json + mac to a payment endpoint the way Maksekeskus may: a form, a JSON body or query parameters. */
async function send(message: { json?: string; mac?: string }, options: { to?: 'notification' | 'return'; as?: Encoding } = {}) {
  const url = options.to === 'return' ? RETURN() : NOTIFY();
  const fields = Object.fromEntries(Object.entries(message).filter(([, v]) => v !== undefined)) as Record<string, string>;
  let response: Response;
  if (options.as === 'query') response = await fetch(`${url}?${new URLSearchParams(fields)}`, { redirect: 'manual' });
  else if (options.as === 'json')
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fields),
      redirect: 'manual',
    });
  else
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
  answered.push(response.status);
  const text = await response.text();
  return {
    status: response.status,
    messageId: response.headers.get('x-payment-message-id'),
    location: response.headers.get('location'),
    ops: response.headers.get('x-cosmos-ops'),
    body: text ? JSON.parse(text) : undefined,
  };
}

const settle = () => host.bus.idle();

async function orderDoc(accountId: string, orderId: string) {
  return (await host.services.db.collection('orders').read<OrderDoc>(orderId, accountId))!;
}

async function entitlement(accountId: string, workId: string) {
  return host.services.db.collection('accounts').read<EntitlementDoc>(entitlementId(workId), accountId);
}

async function storedMessages(transactionId: string) {
  return host.services.db
    .collection('payments')
    .queryAll<{ id: string; type: string; channel: string; json: string; accountId?: string } & Stored>(transactionId, {
      where: 'c.type = @type',
      parameters: [{ name: '@type', value: 'payment-message' }],
    });
}

async function rejectedMessage(messageId: string) {
  const day = messageId.slice('msg:'.length, 'msg:'.length + 10);
  return host.services.db.collection('payments').read<Doc & { reason: string; json: string; channel: string }>(messageId, `rejected:${day}`);
}

interface Placed {
  accountId: string;
  orderId: string;
  transactionId: string;
  grossCents: number;
  order: any;
  paymentUrl?: string;
}

async function placeOrder(
  accountId: string,
  options: { packageId?: string; publisherId?: string; months?: number; startDate?: string; method?: object } = {},
): Promise<Placed> {
  const r = await call('/api/store/orders', {
    method: 'POST',
    token: await token(accountId),
    json: {
      publisherId: options.publisherId ?? demo.publishers.ee,
      packageId: options.packageId ?? 'package-ee-est-5',
      months: options.months ?? 12,
      startDate: options.startDate ?? today(),
      paymentMethod: options.method ?? { type: 'card' },
      acknowledgeNoWithdrawal: true,
    },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const doc = await orderDoc(accountId, r.body.order.id);
  return {
    accountId,
    orderId: doc.id,
    transactionId: doc.payment?.transactionId ?? '',
    grossCents: doc.pricing.grossCents,
    order: r.body.order,
    paymentUrl: r.body.paymentUrl,
  };
}

/** The buyer pays at the stand-in, but its messages are held back: the test delivers them. */
async function paySilently(placed: Placed, options: { payerAccount?: string } = {}): Promise<SignedMessage> {
  await mk.pay(placed.transactionId, { outcome: 'paid', notify: false, ...options });
  return mk.message(placed.transactionId);
}

const paidTransitions = (order: OrderDoc) => order.transitions.filter((t) => t.to === 'paid').length;

describe('PAY-2 abuse suite: Maksekeskus messages', () => {
  it('PAY-2: a forged MAC is stored, answered 400, and grants nothing', async () => {
    const placed = await placeOrder(demo.accounts.eeStudent);
    const claim = mk.message(placed.transactionId, { status: 'COMPLETED' });
    const forged = await send({ json: claim.json, mac: computeMac(claim.json, 'guessed-secret') });
    expect(forged.status).toBe(400);
    expect(forged.body.error.code).toBe('payment_mac_invalid');
    expect(await rejectedMessage(forged.messageId!)).toMatchObject({
      type: 'payment-message-rejected',
      reason: 'mac',
      json: claim.json,
      channel: 'notification',
    });
    // Even a correct MAC over a message the provider never sent would not help: the API says CREATED.
    const signedLie = await send(mk.sign(claim.json));
    expect(signedLie.status).toBe(200);
    await settle();
    const order = await orderDoc(placed.accountId, placed.orderId);
    expect(order.status).toBe('pending-payment');
    expect(await entitlement(placed.accountId, 'work-ee-est-5')).toBeUndefined();
    expect(host.telemetry.records).toContainEqual(
      expect.objectContaining({ name: 'security.payment-message-rejected', properties: expect.objectContaining({ reason: 'mac', ip: '127.0.0.1' }) }),
    );
  });

  it('PAY-2: a MAC over a re-serialised json fails (the exact received string is hashed); the original then succeeds', async () => {
    const placed = await placeOrder(demo.accounts.eeStudent2);
    const real = await paySilently(placed);
    const variants = [
      JSON.stringify(JSON.parse(real.json), null, 2),
      JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(real.json) as object).reverse())),
      real.json.replace(/"status"/, '"status" '),
    ];
    for (const json of variants) {
      const r = await send({ json, mac: real.mac });
      expect(r.status).toBe(400);
      expect((await rejectedMessage(r.messageId!))?.reason).toBe('mac');
    }
    await settle();
    expect((await orderDoc(placed.accountId, placed.orderId)).status).toBe('pending-payment');
    expect((await send(real)).status).toBe(200);
    await settle();
    expect((await orderDoc(placed.accountId, placed.orderId)).status).toBe('licence-active');
  });

  it('PAY-2: 50 concurrent copies of one notification: all stored, one payment, one licence, one e-mail', async () => {
    const placed = await placeOrder(demo.accounts.eeClassTeacher);
    const real = await paySilently(placed, { payerAccount: 'EE382200221020145685' });
    const outboxBefore = host.outbox.messages.length;
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => send(real, { as: (['form', 'json', 'query'] as const)[i % 3] })));
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    // Answered fast: one point read (the transaction's order) and one write (the message), then the queue.
    expect(new Set(answers.map((a) => a.ops))).toEqual(new Set(['pointRead=1;write=1;query=0;crossPartitionQuery=0;metadata=0']));
    await settle();
    const order = await orderDoc(placed.accountId, placed.orderId);
    expect(order.status).toBe('licence-active');
    expect(paidTransitions(order)).toBe(1);
    // PAY-3: the payer's bank account, as reported, is kept with the order (accounting data).
    expect(order.payment).toMatchObject({ transactionId: placed.transactionId, providerStatus: 'COMPLETED', payerAccount: 'EE382200221020145685' });
    expect((await entitlement(placed.accountId, 'work-ee-est-5'))?.periods).toEqual([
      { orderId: placed.orderId, from: order.licence.from, until: order.licence.until },
    ]);
    const stored = await storedMessages(placed.transactionId);
    expect(stored).toHaveLength(50);
    expect(new Set(stored.map((m) => m.id)).size).toBe(50);
    expect(stored.every((m) => m.json === real.json && m.accountId === placed.accountId)).toBe(true);
    const confirmations = host.outbox.messages.slice(outboxBefore).filter((m) => m.subject.includes(placed.orderId));
    expect(confirmations).toHaveLength(1);
  });

  it('PAY-2: 20 concurrent processing runs of one payment (no duplicate detection to help) still grant exactly once', async () => {
    const placed = await placeOrder(demo.accounts.eeTeacher);
    await paySilently(placed);
    await Promise.all(
      Array.from({ length: 20 }, () =>
        host.bus.send('payments-process', {
          body: { transactionId: placed.transactionId, status: 'COMPLETED', source: 'notification' },
          messageId: randomUUID(),
        }),
      ),
    );
    await settle();
    const order = await orderDoc(placed.accountId, placed.orderId);
    expect(order.status).toBe('licence-active');
    expect(paidTransitions(order)).toBe(1);
    expect(order.transitions.filter((t) => t.to === 'licence-active')).toHaveLength(1);
    expect((await entitlement(placed.accountId, 'work-ee-est-5'))?.periods).toHaveLength(1);
    expect(host.bus.deadLetters('payments-process')).toEqual([]);
  });

  it('PAY-2: the browser return and the notification racing (form, JSON and query) end in one licence', async () => {
    const placed = await placeOrder(demo.accounts.eeAdmin);
    const real = await paySilently(placed);
    const answers = await Promise.all([
      send(real, { to: 'notification' }),
      send(real, { to: 'return' }),
      send(real, { to: 'return', as: 'query' }),
      send(real, { to: 'notification', as: 'json' }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 303, 303, 200]);
    expect(answers[1].location).toBe(`http://127.0.0.1:3000/shop/orders/${placed.orderId}?payment=completed`);
    await settle();
    const order = await orderDoc(placed.accountId, placed.orderId);
    expect(order.status).toBe('licence-active');
    expect(paidTransitions(order)).toBe(1);
    expect((await storedMessages(placed.transactionId)).map((m) => m.channel).sort()).toEqual(['notification', 'notification', 'return', 'return']);
  });

  it('PAY-2: a late CANCELLED or EXPIRED after COMPLETED, and an old PENDING arriving last, never undo the payment', async () => {
    const placed = await placeOrder(demo.accounts.fiTeacher, { packageId: 'package-fi-math-7', publisherId: demo.publishers.fi });
    // The stand-in sends COMPLETED, then an overtaken PENDING, then a signed CANCELLED.
    await mk.pay(placed.transactionId, { outcome: 'paid', outOfOrder: true, lateCancel: true });
    await settle();
    expect((await orderDoc(placed.accountId, placed.orderId)).status).toBe('licence-active');
    for (const status of ['CANCELLED', 'EXPIRED']) expect((await send(mk.message(placed.transactionId, { status }))).status).toBe(200);
    // Even if Maksekeskus' API itself reported CANCELLED now, the paid order stands.
    mk.overrideApi(placed.transactionId, { status: 'CANCELLED' });
    expect((await send(mk.message(placed.transactionId, { status: 'CANCELLED', message_time: 'later' }))).status).toBe(200);
    await settle();
    const order = await orderDoc(placed.accountId, placed.orderId);
    expect(order.status).toBe('licence-active');
    expect(paidTransitions(order)).toBe(1);
    expect((await mayOpenWork(host.services, placed.accountId, 'work-fi-math-7', host.clock.now())).allowed).toBe(true);
    expect((await storedMessages(placed.transactionId)).length).toBe(6);
    expect(host.telemetry.records).toContainEqual(
      expect.objectContaining({
        name: 'payment.processed',
        properties: expect.objectContaining({ transactionId: placed.transactionId, outcome: 'late-status-ignored' }),
      }),
    );
  });

  it('PAY-2: the amount, currency or reference Maksekeskus reports differ from the order: flagged for an operator, no licence', async () => {
    for (const [account, override, field] of [
      [demo.accounts.fiStudent, { amount: '0.01' }, 'amount'],
      [demo.accounts.privateUser, { currency: 'USD' }, 'currency'],
      [demo.accounts.eeParent, { reference: 'ord-SOMEONEELSE' }, 'reference'],
    ] as const) {
      const placed =
        account === demo.accounts.fiStudent
          ? await placeOrder(account, { packageId: 'package-fi-math-7', publisherId: demo.publishers.fi })
          : await placeOrder(account, { packageId: 'package-ee-math' });
      const real = await paySilently(placed);
      mk.overrideApi(placed.transactionId, override);
      expect((await send(real)).status).toBe(200);
      await settle();
      const order = await orderDoc(placed.accountId, placed.orderId);
      expect(order.status, field).toBe('pending-payment');
      expect(order.flags).toEqual([expect.objectContaining({ kind: 'payment-mismatch', detail: expect.stringContaining(field) })]);
      for (const workId of order.workIds) expect(await entitlement(placed.accountId, workId), field).toBeUndefined();
    }
    // Operators find them.
    const staff = await token(demo.accounts.staff);
    const flagged = await call('/api/ops/orders/flagged', { token: staff });
    expect(flagged.status).toBe(200);
    expect(flagged.body.orders.filter((o: OrderDoc) => o.flags.some((f) => f.kind === 'payment-mismatch')).length).toBeGreaterThanOrEqual(3);
    expect((await call('/api/ops/orders/flagged', { token: await token(demo.accounts.eeStudent) })).status).toBe(403);

    // An operator closes a flag with what they did; the order then leaves the list, and closing again is harmless.
    const one = flagged.body.orders.find((o: OrderDoc) => o.flags.some((f) => f.kind === 'payment-mismatch' && !f.resolvedAt)) as OrderDoc;
    const flagKey = one.flags.find((f) => f.kind === 'payment-mismatch')!.key;
    const path = `/api/ops/orders/${one.accountId}/${one.id}/flags/${encodeURIComponent(flagKey)}/resolve`;
    const resolved = await call(path, { method: 'POST', token: staff, json: { resolution: 'refunded by hand in the bank' } });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ key: flagKey, resolvedBy: demo.accounts.staff, resolution: 'refunded by hand in the bank' });
    expect((await call(path, { method: 'POST', token: staff, json: { resolution: 'again' } })).body.resolution).toBe('refunded by hand in the bank');
    const after = await call('/api/ops/orders/flagged', { token: staff });
    expect(after.body.orders.map((o: OrderDoc) => o.id)).not.toContain(one.id);
    expect(
      (
        await call(`/api/ops/orders/${one.accountId}/${one.id}/flags/no-such-flag/resolve`, {
          method: 'POST',
          token: staff,
          json: { resolution: 'nothing to do' },
        })
      ).status,
    ).toBe(404);
  });

  it('PAY-2: a signed message about a transaction we never created is stored and changes nothing', async () => {
    const transactionId = randomUUID();
    const json = JSON.stringify({
      amount: '35.88',
      currency: 'EUR',
      message_type: 'payment_return',
      reference: 'ord-NOTOURS00',
      shop: mk.shopId,
      status: 'COMPLETED',
      transaction: transactionId,
    });
    const r = await send(mk.sign(json));
    expect(r.status).toBe(200);
    await settle();
    expect(await storedMessages(transactionId)).toHaveLength(1);
    expect(host.telemetry.records).toContainEqual(
      expect.objectContaining({ name: 'payment.processed', properties: expect.objectContaining({ transactionId, outcome: 'unknown-transaction' }) }),
    );
    expect(host.bus.deadLetters('payments-process')).toEqual([]);
    // Another shop's message (right secret, wrong shop) is refused.
    const foreign = await send(mk.sign(JSON.stringify({ shop: 'another-shop', status: 'COMPLETED', transaction: transactionId })));
    expect(foreign.status).toBe(400);
    expect((await rejectedMessage(foreign.messageId!))?.reason).toBe('fields');
  });

  it('PAY-2: malformed json, missing fields, a json object instead of a string: 400 and stored; broken HTTP bodies: 400/413/415', async () => {
    const broken = '{"transaction": "abc", "status": ';
    const signedBroken = await send(mk.sign(broken));
    expect(signedBroken.status).toBe(400);
    expect(signedBroken.body.error.code).toBe('payment_json_invalid');
    expect((await rejectedMessage(signedBroken.messageId!))?.json).toBe(broken);
    const unsigned = await send({ json: 'not json at all', mac: 'F'.repeat(128) });
    expect(unsigned.status).toBe(400);
    expect((await rejectedMessage(unsigned.messageId!))?.reason).toBe('mac');
    const noMac = await send({ json: '{}' });
    expect(noMac.body.error.code).toBe('payment_message_invalid');
    expect((await rejectedMessage(noMac.messageId!))?.reason).toBe('missing');
    const objectJson = await fetch(NOTIFY(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ json: { status: 'COMPLETED' }, mac: 'AA' }),
    });
    answered.push(objectJson.status);
    expect(objectJson.status).toBe(400);
    expect(await rejectedMessage(objectJson.headers.get('x-payment-message-id')!)).toMatchObject({ reason: 'missing' });
    const empty = await fetch(NOTIFY(), { method: 'POST' });
    answered.push(empty.status);
    expect(empty.status).toBe(400);
    // HTTP-level garbage never reaches the payment code: the wrapper answers it.
    const badJson = await fetch(NOTIFY(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"json": "x", ' });
    answered.push(badJson.status);
    expect(badJson.status).toBe(400);
    const badType = await fetch(NOTIFY(), { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<json/>' });
    answered.push(badType.status);
    expect(badType.status).toBe(415);
    const huge = await fetch(NOTIFY(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ json: 'x'.repeat(host.config.MAX_BODY_BYTES + 10), mac: 'AA' }).toString(),
    });
    answered.push(huge.status);
    expect(huge.status).toBe(413);
  });

  it('PAY-2: no payment endpoint answered a 5xx in this suite', () => {
    expect(answered.length).toBeGreaterThan(60);
    expect(answered.filter((s) => s >= 500)).toEqual([]);
  });
});

describe('licences, entitlement check, invoices, withdrawal and expiry (STORE-4, STORE-6, OPS-2, RET-3)', () => {
  it('STORE-4: the entitlement check makes exactly one Cosmos point read, allowed or not', async () => {
    const buyer = demo.accounts.eeClassTeacher; // paid for work-ee-est-5 above
    for (const [workId, allowed] of [
      ['work-ee-est-5', true],
      ['work-ee-math-5', false],
    ] as const) {
      const run = withOperationCounter(() => mayOpenWork(host.services, buyer, workId, host.clock.now()));
      expect((await run.result).allowed).toBe(allowed);
      expect(run.counts).toEqual({ ...emptyCounts(), pointRead: 1 });
    }
    // Over HTTP the route adds only the wrapper's one read of the caller's account (session and account in one, issue 11).
    const r = await call('/api/licences/works/work-ee-est-5/access', { token: await token(buyer) });
    expect(r.body.allowed).toBe(true);
    expect(r.headers.get('x-cosmos-ops')).toBe('pointRead=2;write=0;query=0;crossPartitionQuery=0;metadata=0');
  });

  it('PAY-1: Maksekeskus got only what payment needs: amount, reference, and the e-mail, IP, country and locale', () => {
    const creates = mk.requests.filter((r) => r.method === 'POST' && r.path === '/transactions');
    expect(creates.length).toBeGreaterThan(5);
    for (const request of creates) {
      const body = request.body as { customer: Record<string, unknown>; transaction: Record<string, unknown> };
      expect(Object.keys(body.customer).sort()).toEqual(['country', 'email', 'ip', 'locale']);
      expect(Object.keys(body.transaction).sort()).toEqual(['amount', 'currency', 'reference', 'transaction_url']);
    }
  });

  it('RET-3: orders, transactions and verified messages are accounting data: kept 7 years plus the running year', async () => {
    const placed = await placeOrder(demo.accounts.eeStudent);
    const order = await orderDoc(placed.accountId, placed.orderId);
    const now = host.clock.now();
    const endOfRetention = Date.UTC(now.getUTCFullYear() + 8, 0, 1);
    const expected = Math.ceil((endOfRetention - now.getTime()) / 1000);
    expect(Math.abs(order.ttl! - expected)).toBeLessThan(120);
    const index = await host.services.db.collection('payments').read(`trx:${placed.transactionId}`, placed.transactionId);
    expect(Math.abs((index?.ttl ?? 0) - expected)).toBeLessThan(120);
  });

  it('STORE-2: the price at the moment of ordering stands when the catalogue price changes', async () => {
    const catalog = host.services.db.collection('catalog');
    const pkg = (await catalog.read<any>('package-ee-math', demo.publishers.ee))!;
    const placed = await placeOrder(demo.accounts.eeTeacher, { packageId: 'package-ee-math', months: 2 });
    await catalog.replace({ ...pkg, priceCentsPerMonth: 999 });
    try {
      const real = await paySilently(placed);
      await send(real);
      await settle();
      const order = await orderDoc(placed.accountId, placed.orderId);
      expect(order.status).toBe('licence-active');
      expect(order.pricing).toMatchObject({ unitPriceCents: 299, grossCents: 598 });
      const quote = await call(`/api/store/quote?publisherId=${demo.publishers.ee}&packageId=package-ee-math&months=2`, {
        token: await token(demo.accounts.eeTeacher),
      });
      expect(quote.body.pricing.grossCents).toBe(1998);
    } finally {
      const current = (await catalog.read<any>('package-ee-math', demo.publishers.ee))!;
      await catalog.replace({ ...current, priceCentsPerMonth: 299 });
    }
  });

  it('OPS-2, STORE-6: the publisher stops a work: licences to it end, buyers are e-mailed, refunds recorded (Maksekeskus or offset)', async () => {
    const staff = await token(demo.accounts.staff);
    // Buyer A pays by card, buyer B by invoice, for the two-work package.
    const a = await placeOrder(demo.accounts.eeAdmin, { packageId: 'package-ee-social-7' });
    await send(await paySilently(a));
    const b = await placeOrder(demo.accounts.eeParent, { packageId: 'package-ee-social-7', method: { type: 'invoice' } });
    const invoiceNumber = (await orderDoc(b.accountId, b.orderId)).invoice!.number;
    const paidB = await call(`/api/ops/invoices/${invoiceNumber}/payments`, {
      method: 'POST',
      token: staff,
      json: { bankEntryId: `e-${b.orderId}`, amountCents: b.grossCents, receivedOn: today() },
    });
    expect(paidB.body.order.status).toBe('licence-active');
    await settle();
    for (const p of [a, b]) expect((await mayOpenWork(host.services, p.accountId, 'work-ee-hist-7', host.clock.now())).allowed).toBe(true);

    const outboxBefore = host.outbox.messages.length;
    expect(
      (
        await call(`/api/ops/publishers/${demo.publishers.ee}/works/work-ee-hist-7/withdraw`, {
          method: 'POST',
          token: await token(demo.accounts.eeStudent),
          json: { reason: 'x' },
        })
      ).status,
    ).toBe(403);
    expect(
      (await call(`/api/ops/publishers/${demo.publishers.ee}/works/work-ee-hist-7/withdraw`, { method: 'POST', token: staff, json: {} })).status,
    ).toBe(422);
    const withdrawn = await call(`/api/ops/publishers/${demo.publishers.ee}/works/work-ee-hist-7/withdraw`, {
      method: 'POST',
      token: staff,
      json: { reason: 'distribution contract ended', graceHours: 0 },
    });
    expect(withdrawn.status).toBe(202);
    await settle();

    for (const p of [a, b]) {
      expect((await mayOpenWork(host.services, p.accountId, 'work-ee-hist-7', host.clock.now())).allowed).toBe(false);
      expect((await mayOpenWork(host.services, p.accountId, 'work-ee-geo-7', host.clock.now())).allowed).toBe(true);
    }
    const orderA = await orderDoc(a.accountId, a.orderId);
    expect(orderA.status).toBe('licence-active');
    expect(orderA.lines.find((l) => l.workId === 'work-ee-hist-7')).toMatchObject({ endReason: 'work-withdrawn' });
    // Pro-rata: half the package (one work of two) for the 364 unused days of 365.
    const days = (Date.parse(`${orderA.licence.endDate}T00:00:00Z`) - Date.parse(`${orderA.licence.startDate}T00:00:00Z`)) / 86_400_000;
    const expected = Math.floor((2 * a.grossCents * (days - 1) + 2 * days) / (4 * days));
    expect(orderA.refunds).toEqual([
      expect.objectContaining({
        method: 'maksekeskus',
        status: 'completed',
        amountCents: expected,
        reason: 'work-withdrawn',
        workIds: ['work-ee-hist-7'],
      }),
    ]);
    expect(mk.refunds.filter((r) => r.transactionId === a.transactionId).map((r) => r.amount)).toEqual([(expected / 100).toFixed(2)]);
    const orderB = await orderDoc(b.accountId, b.orderId);
    expect(orderB.refunds).toEqual([expect.objectContaining({ method: 'offset', status: 'recorded', amountCents: expected })]);

    const mails = host.outbox.messages.slice(outboxBefore);
    expect(
      mails.filter((m) => m.to === 'kadri.kask@kuusiku.example' && m.text.includes('Ajalugu 7. klassile') && m.text.includes('kirjastus lõpetas')),
    ).toHaveLength(1);
    expect(mails.filter((m) => m.to === 'tiina.saar@example.com' && m.text.includes('tasaarveldame'))).toHaveLength(1);

    // The work left the shop: the package is gone from the catalogue and cannot be bought.
    expect((await call('/api/catalog')).body.packages.map((p: { id: string }) => p.id)).not.toContain('package-ee-social-7');
    const refused = await call('/api/store/orders', {
      method: 'POST',
      token: await token(demo.accounts.eeStudent),
      json: {
        publisherId: demo.publishers.ee,
        packageId: 'package-ee-social-7',
        months: 1,
        startDate: today(),
        paymentMethod: { type: 'card' },
        acknowledgeNoWithdrawal: true,
      },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('work_not_distributed');

    // The second work stops too: A's order is cancelled, then refunded (a second, partial refund).
    await call(`/api/ops/publishers/${demo.publishers.ee}/works/work-ee-geo-7/withdraw`, {
      method: 'POST',
      token: staff,
      json: { reason: 'contract ended', graceHours: 0 },
    });
    await settle();
    const finalA = await orderDoc(a.accountId, a.orderId);
    expect(finalA.status).toBe('refunded');
    expect(finalA.transitions.slice(-2).map((t) => t.to)).toEqual(['cancelled', 'refunded']);
    expect(finalA.refunds.map((r) => r.status)).toEqual(['completed', 'completed']);
    expect(finalA.refunds.reduce((s, r) => s + r.amountCents, 0)).toBeLessThanOrEqual(a.grossCents);
    // Repeating the withdrawal changes nothing more.
    await call(`/api/ops/publishers/${demo.publishers.ee}/works/work-ee-geo-7/withdraw`, {
      method: 'POST',
      token: staff,
      json: { reason: 'contract ended', graceHours: 0 },
    });
    await settle();
    expect((await orderDoc(a.accountId, a.orderId)).refunds).toHaveLength(2);
    expect(mk.refunds.filter((r) => r.transactionId === a.transactionId)).toHaveLength(2);
  });

  it('STORE-6: an order that cannot be fulfilled (the work stopped before payment) is refunded in full and the buyer told', async () => {
    const placed = await placeOrder(demo.accounts.fiStudent, { packageId: 'package-fi-math-7', publisherId: demo.publishers.fi, months: 3 });
    const staff = await token(demo.accounts.staff);
    await call(`/api/ops/publishers/${demo.publishers.fi}/works/work-fi-math-7/withdraw`, {
      method: 'POST',
      token: staff,
      json: { reason: 'rights ended', graceHours: 0 },
    });
    await settle();
    await send(await paySilently(placed));
    await settle();
    const order = await orderDoc(placed.accountId, placed.orderId);
    expect(order.transitions.map((t) => t.to)).toEqual(['created', 'pending-payment', 'paid', 'cancelled', 'refunded']);
    expect(order.refunds).toEqual([expect.objectContaining({ reason: 'cannot-fulfil', amountCents: placed.grossCents, status: 'completed' })]);
    expect(await entitlement(placed.accountId, 'work-fi-math-7')).toBeUndefined();
    expect(
      host.outbox.messages.some(
        (m) => m.to === 'eero.korhonen@koivula.example' && m.subject.includes(placed.orderId) && m.text.includes('emme voi toimittaa'),
      ),
    ).toBe(true);
  });

  it('STORE-6, OPS-1: staff end a licence for a terms breach: access stops, no refund by default, the buyer is told', async () => {
    const placed = await placeOrder(demo.accounts.eeStudent2, { packageId: 'package-ee-math', months: 1 });
    await send(await paySilently(placed));
    await settle();
    expect((await mayOpenWork(host.services, placed.accountId, 'work-ee-math-6', host.clock.now())).allowed).toBe(true);
    const staff = await token(demo.accounts.staff);
    const r = await call(`/api/ops/orders/${placed.accountId}/${placed.orderId}/cancel`, {
      method: 'POST',
      token: staff,
      json: { reason: 'terms-breach', note: 'shared the account' },
    });
    expect(r.status).toBe(202);
    await settle();
    const order = await orderDoc(placed.accountId, placed.orderId);
    expect(order.status).toBe('cancelled');
    expect(order.refunds).toEqual([]);
    expect((await mayOpenWork(host.services, placed.accountId, 'work-ee-math-6', host.clock.now())).allowed).toBe(false);
    expect(
      host.outbox.messages.some(
        (m) => m.to === 'liis.saar@kuusiku.example' && m.subject.includes(placed.orderId) && m.text.includes('Tasutud summat ei tagastata'),
      ),
    ).toBe(true);
  });

  it('OPS-1: the third breach cancels access and with it the licences', async () => {
    const buyer = demo.accounts.cmsAuthor;
    const placed = await placeOrder(buyer, { packageId: 'package-ee-est-5', months: 1 });
    await send(await paySilently(placed));
    await settle();
    expect((await mayOpenWork(host.services, buyer, 'work-ee-est-5', host.clock.now())).allowed).toBe(true);
    const staff = await token(demo.accounts.staff);
    for (const [i, reason] of (['unusual-usage', 'malicious-activity', 'terms-breach'] as const).entries()) {
      const r = await call(`/api/ops/accounts/${buyer}/suspend`, { method: 'POST', token: staff, json: { reason } });
      expect(r.status).toBe(200);
      expect(r.body.licencesCancelled).toBe(i === 2 ? 1 : 0);
      if (i < 2) expect((await call(`/api/ops/accounts/${buyer}/reinstate`, { method: 'POST', token: staff })).status).toBe(200);
    }
    await settle();
    expect((await orderDoc(buyer, placed.orderId)).status).toBe('cancelled');
    expect((await mayOpenWork(host.services, buyer, 'work-ee-est-5', host.clock.now())).allowed).toBe(false);
  });

  it('STORE-6: a refund Maksekeskus is still processing (1045) is retried later and made once', async () => {
    const placed = await placeOrder(demo.accounts.eeTeacher, { packageId: 'package-ee-est-5', months: 1 });
    await send(await paySilently(placed));
    await settle();
    mk.failNextRefund(1045);
    const staff = await token(demo.accounts.staff);
    await call(`/api/ops/orders/${placed.accountId}/${placed.orderId}/cancel`, { method: 'POST', token: staff, json: { reason: 'cannot-fulfil' } });
    await settle();
    const order = await orderDoc(placed.accountId, placed.orderId);
    expect(order.status).toBe('refunded');
    expect(order.refunds).toEqual([expect.objectContaining({ status: 'completed', amountCents: placed.grossCents })]);
    expect(mk.refunds.filter((r) => r.transactionId === placed.transactionId)).toHaveLength(1);
  });

  it('PAY-2: a payment whose notification was lost is found by the reconcile timer; an abandoned one expires and is still honoured if paid late', async () => {
    const lost = await placeOrder(demo.accounts.privateUser, { packageId: 'package-ee-est-5' });
    await paySilently(lost); // paid at Maksekeskus, but no message ever reaches the app
    const abandoned = await placeOrder(demo.accounts.eeStudent, { packageId: 'package-ee-math' });
    host.clock.advance(6 * 60_000);
    const fire = await fetch(`${host.url}/admin/functions/payments-reconcile`, { method: 'POST' });
    expect(fire.status).toBe(202);
    await settle();
    expect((await orderDoc(lost.accountId, lost.orderId)).status).toBe('licence-active');
    expect((await orderDoc(abandoned.accountId, abandoned.orderId)).status).toBe('pending-payment');

    host.clock.advance(25 * 3600_000);
    await fetch(`${host.url}/admin/functions/payments-reconcile`, { method: 'POST' });
    await settle();
    const expired = await orderDoc(abandoned.accountId, abandoned.orderId);
    expect(expired.status).toBe('expired');
    expect(expired.closure?.kind).toBe('unpaid');
    // The buyer pays after all: real money reopens the order and grants the licence.
    await mk.pay(abandoned.transactionId, { outcome: 'paid' });
    await settle();
    const late = await orderDoc(abandoned.accountId, abandoned.orderId);
    expect(late.status).toBe('licence-active');
    expect(late.transitions.map((t) => t.to)).toEqual(['created', 'pending-payment', 'expired', 'paid', 'licence-active']);
  });

  it('STORE-4: an invoice for a later start: paid today, the licence opens on the start date', async () => {
    const startDate = localDate(new Date(host.clock.now().getTime() + 3 * 86_400_000));
    const placed = await placeOrder(demo.accounts.fiTeacher, { packageId: 'package-ee-est-5', startDate, months: 1, method: { type: 'invoice' } });
    const number = (await orderDoc(placed.accountId, placed.orderId)).invoice!.number;
    const staff = await token(demo.accounts.staff);
    const paid = await call(`/api/ops/invoices/${number}/payments`, {
      method: 'POST',
      token: staff,
      json: { bankEntryId: `e-${placed.orderId}`, amountCents: placed.grossCents, receivedOn: today() },
    });
    expect(paid.body.order).toMatchObject({ status: 'licence-active', licence: { startDate, state: 'scheduled' } });
    expect((await mayOpenWork(host.services, placed.accountId, 'work-ee-est-5', host.clock.now())).allowed).toBe(false);
    host.clock.advance(3 * 86_400_000 + 3600_000);
    const access = await call('/api/licences/works/work-ee-est-5/access', { token: await token(placed.accountId) });
    expect(access.body).toMatchObject({ allowed: true });
    // Overpayment and underpayment: a second order paid too little stays pending.
    const small = await placeOrder(demo.accounts.fiTeacher, { packageId: 'package-ee-math', months: 1, method: { type: 'invoice' } });
    const smallNumber = (await orderDoc(small.accountId, small.orderId)).invoice!.number;
    const part = await call(`/api/ops/invoices/${smallNumber}/payments`, {
      method: 'POST',
      token: await token(demo.accounts.staff),
      json: { bankEntryId: `e-${small.orderId}`, amountCents: 1, receivedOn: today() },
    });
    expect(part.body).toMatchObject({ order: { status: 'pending-payment' }, outstandingCents: small.grossCents - 1 });
  });

  it('STORE-4: licences expire: access stops at the end of the period and the timer marks the order expired', async () => {
    const placed = await placeOrder(demo.accounts.eeAdmin, { packageId: 'package-ee-math', months: 1 });
    await send(await paySilently(placed));
    await settle();
    expect((await mayOpenWork(host.services, placed.accountId, 'work-ee-math-5', host.clock.now())).allowed).toBe(true);
    host.clock.advance(32 * 86_400_000);
    expect((await mayOpenWork(host.services, placed.accountId, 'work-ee-math-5', host.clock.now())).allowed).toBe(false);
    expect((await fetch(`${host.url}/admin/functions/licences-expire`, { method: 'POST' })).status).toBe(202);
    const order = await orderDoc(placed.accountId, placed.orderId);
    expect(order.status).toBe('expired');
    expect(order.closure?.kind).toBe('licence-ended');
  });
});
