import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { CosmosFault } from '../shared/local/cosmos-server.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import type { MaksekeskusStandIn, SignedMessage } from '../shared/local/maksekeskus/index.js';
import { demo } from '../shared/local/seed.js';
import { localDate } from '../shared/store/dates.js';
import { type InvoiceRegisterEntry, registerPartition } from '../shared/store/invoices.js';
import type { OrderDoc } from '../shared/store/model.js';

/**
 * PAY-2 recovery (issue 9, defects 2 and 7): a message that changed nothing does not use up the duplicate key, a
 * dead-lettered payment goes back to processing by the operator's replay or by Maksekeskus' repeat, and the reconcile
 * timer covers a dead letter nobody replays. On a host of its own (the stand-in's API outage switch, the clock).
 */

let host: LocalHost;
let mk: MaksekeskusStandIn;
const answered: number[] = [];

beforeAll(async () => {
  host = await startLocalHost({
    port: 0,
    sweepIntervalMs: 0,
    identityStandIns: false,
    redeliveryDelayMs: 2,
    storePolicy: { attemptTimeoutMs: 500, budgetMs: 1_000 },
  });
  mk = host.maksekeskus!;
});
afterAll(async () => host?.close());
afterEach(() => host.cosmos.setFaultHook(undefined));

/** Faults for requests that match, `times` times (Infinity: until removed). */
function inject(match: (r: { method: string; path: string }) => boolean, fault: CosmosFault, times = Number.POSITIVE_INFINITY): void {
  let left = times;
  host.cosmos.setFaultHook((r) => (left > 0 && match(r) ? (left--, fault) : undefined));
}
const orderReplace = (r: { method: string; path: string }) => r.method === 'PUT' && r.path.includes('/colls/orders/docs/');

async function call(path: string, init: { method?: string; token?: string; json?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(`${host.url}${path}`, {
    method: init.method ?? 'GET',
    headers,
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
  });
  answered.push(r.status);
  const text = await r.text();
  return { status: r.status, body: text && (r.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text };
}

async function token(accountId: string): Promise<string> {
  return (await call('/_local/tokens', { method: 'POST', json: { accountId } })).body.accessToken;
}

async function notify(message: SignedMessage): Promise<number> {
  const r = await fetch(`${host.url}/api/payments/maksekeskus/notification`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ json: message.json, mac: message.mac }).toString(),
  });
  answered.push(r.status);
  await r.arrayBuffer();
  return r.status;
}

async function order(accountId: string, orderId: string): Promise<OrderDoc> {
  return (await host.services.db.collection('orders').read<OrderDoc>(orderId, accountId))!;
}

/** A checkout of the demo package from today: one month unless the test says otherwise. */
function checkoutBody(payment: 'card' | 'invoice', options: { months?: number; requestId?: string } = {}) {
  return {
    publisherId: demo.publishers.ee,
    packageId: 'package-ee-est-5',
    months: options.months ?? 1,
    startDate: localDate(host.clock.now()),
    paymentMethod: { type: payment },
    acknowledgeNoWithdrawal: true,
    ...(options.requestId ? { requestId: options.requestId } : {}),
  };
}

async function placeCardOrder(accountId: string): Promise<{ orderId: string; transactionId: string }> {
  const r = await call('/api/store/orders', {
    method: 'POST',
    token: await token(accountId),
    json: checkoutBody('card', { months: 6 }),
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const doc = await order(accountId, r.body.order.id);
  return { orderId: doc.id, transactionId: doc.payment!.transactionId! };
}

const deadLetters = () => host.bus.deadLetters('payments-process');
const paidCount = (o: OrderDoc) => o.transitions.filter((t) => t.to === 'paid').length;
const processed = (transactionId: string) =>
  host.telemetry.records
    .filter((r) => r.name === 'payment.processed' && r.properties?.transactionId === transactionId)
    .map((r) => r.properties?.outcome);

describe('PAY-2 recovery: duplicate keys, dead letters and replay', () => {
  it('PAY-2: a COMPLETED notification the API does not confirm yet does not use up the key: the real COMPLETED then grants the licence, without reconcile', async () => {
    const buyer = demo.accounts.eeClassTeacher;
    const placed = await placeCardOrder(buyer);
    // Signed COMPLETED while Maksekeskus' API still says CREATED (a message ahead of the API).
    expect(await notify(mk.message(placed.transactionId, { status: 'COMPLETED' }))).toBe(200);
    await host.bus.idle();
    expect((await order(buyer, placed.orderId)).status).toBe('pending-payment');
    expect(processed(placed.transactionId)).toEqual(['no-change']);

    // The buyer really pays; the stand-in sends the genuine COMPLETED notification.
    await mk.pay(placed.transactionId, { outcome: 'paid' });
    await host.bus.idle();
    const paid = await order(buyer, placed.orderId);
    expect(paid.status).toBe('licence-active');
    expect(paidCount(paid)).toBe(1);
    expect(processed(placed.transactionId)).toEqual(['no-change', 'paid']);
    expect(host.telemetry.records.some((r) => r.name === 'timer.run' && r.properties?.function === 'payments-reconcile')).toBe(false);
  });

  it('PAY-2: after 10 failed deliveries the message is dead-lettered; Maksekeskus repeating COMPLETED is processed, not dropped as a duplicate', async () => {
    const buyer = demo.accounts.eeTeacher;
    const placed = await placeCardOrder(buyer);
    await mk.pay(placed.transactionId, { outcome: 'paid', notify: false });
    mk.failApi(10, /^GET \/transactions\//);
    expect(await notify(mk.message(placed.transactionId))).toBe(200);
    await host.bus.idle();
    expect(deadLetters().map((d) => (d.body as { transactionId: string }).transactionId)).toContain(placed.transactionId);
    expect((await order(buyer, placed.orderId)).status).toBe('pending-payment');

    expect(await notify(mk.message(placed.transactionId))).toBe(200);
    await host.bus.idle();
    const paid = await order(buyer, placed.orderId);
    expect(paid.status).toBe('licence-active');
    expect(paidCount(paid)).toBe(1);
    await call('/_local/dead-letters/payments-process/replay', { method: 'POST' });
    await host.bus.idle();
  });

  it('PAY-2: the operator replays a dead letter (a new message id); the payment is applied once, and replaying again changes nothing', async () => {
    const buyer = demo.accounts.fiTeacher;
    const placed = await placeCardOrder(buyer);
    await mk.pay(placed.transactionId, { outcome: 'paid', notify: false });
    mk.failApi(10, /^GET \/transactions\//);
    expect(await notify(mk.message(placed.transactionId))).toBe(200);
    await host.bus.idle();
    expect(deadLetters()).toHaveLength(1);

    const dlq = await call('/_local/dead-letters');
    expect(dlq.body['payments-process']).toEqual([
      expect.objectContaining({ deadLetterReason: 'MaxDeliveryCountExceeded', deadLetterErrorDescription: 'MaksekeskusError' }),
    ]);
    const replayed = await call('/_local/dead-letters/payments-process/replay', { method: 'POST' });
    expect(replayed).toMatchObject({ status: 202, body: { replayed: 1 } });
    await host.bus.idle();
    expect(deadLetters()).toEqual([]);
    const paid = await order(buyer, placed.orderId);
    expect(paid.status).toBe('licence-active');

    expect((await call('/_local/dead-letters/payments-process/replay', { method: 'POST' })).body).toEqual({ replayed: 0 });
    await notify(mk.message(placed.transactionId));
    await host.bus.idle();
    const again = await order(buyer, placed.orderId);
    expect(paidCount(again)).toBe(1);
    expect(again.transitions).toHaveLength(paid.transitions.length);
    expect(again.flags).toEqual([]);
  });

  it('PAY-2: a dead letter nobody replays is covered by the reconcile timer', async () => {
    const buyer = demo.accounts.privateUser;
    const placed = await placeCardOrder(buyer);
    await mk.pay(placed.transactionId, { outcome: 'paid', notify: false });
    mk.failApi(10, /^GET \/transactions\//);
    expect(await notify(mk.message(placed.transactionId))).toBe(200);
    await host.bus.idle();
    expect(deadLetters()).toHaveLength(1);
    expect((await order(buyer, placed.orderId)).status).toBe('pending-payment');

    await call('/_local/clock', { method: 'POST', json: { advanceSeconds: 6 * 60 } });
    expect((await call('/admin/functions/payments-reconcile', { method: 'POST', json: {} })).status).toBe(202);
    await host.bus.idle();
    const paid = await order(buyer, placed.orderId);
    expect(paid.status).toBe('licence-active');
    expect(paidCount(paid)).toBe(1);
    expect(paid.flags).toEqual([]);
  });

  it('STORE-2: the store fails after the Maksekeskus transaction was created: 503, and a retry with the same requestId returns the order payable', async () => {
    const buyer = demo.accounts.eeAdmin;
    const token0 = await token(buyer);
    const json = checkoutBody('card', { months: 2, requestId: 'retry-after-store-failure-1' });
    inject(orderReplace, { kind: 'status', status: 503 });
    const failed = await call('/api/store/orders', { method: 'POST', token: token0, json });
    answered.pop(); // the expected 503 of this step
    expect(failed.status).toBe(503);
    expect(failed.body.error.code).toBe('store_unavailable');
    host.cosmos.setFaultHook(undefined);

    const retried = await call('/api/store/orders', { method: 'POST', token: token0, json });
    expect(retried.status).toBe(200);
    expect(retried.body.paymentUrl).toMatch(/\/pay\//);
    const doc = await order(buyer, retried.body.order.id);
    expect(doc.status).toBe('pending-payment');
    expect(retried.body.paymentUrl).toContain(doc.payment!.transactionId!);
    expect(await host.services.db.collection('payments').read(`trx:${doc.payment!.transactionId}`, doc.payment!.transactionId!)).toMatchObject({
      orderId: doc.id,
    });
    // And the buyer can pay it.
    await mk.pay(doc.payment!.transactionId!, { outcome: 'paid' });
    await host.bus.idle();
    expect((await order(buyer, doc.id)).status).toBe('licence-active');
  });

  it("STORE-2: a checkout write applied but its answer lost is the checkout's own success: 201 with the payment URL, one transaction", async () => {
    const buyer = demo.accounts.eeStudent;
    const before = mk.transactions.size;
    inject(orderReplace, { kind: 'lose-answer' }, 1);
    const placed = await placeCardOrder(buyer);
    expect(mk.transactions.size).toBe(before + 1);
    expect((await order(buyer, placed.orderId)).payment?.transactionId).toBe(placed.transactionId);
  });

  it('PAY-2: the move to paid applied but its answer lost: recognised as its own success, licence granted, no payment-after-close flag', async () => {
    const buyer = demo.accounts.eeStudent2;
    const placed = await placeCardOrder(buyer);
    await mk.pay(placed.transactionId, { outcome: 'paid', notify: false });
    inject(orderReplace, { kind: 'lose-answer' }, 1);
    expect(await notify(mk.message(placed.transactionId))).toBe(200);
    await host.bus.idle();
    const paid = await order(buyer, placed.orderId);
    expect(paid.status).toBe('licence-active');
    expect(paidCount(paid)).toBe(1);
    expect(paid.flags).toEqual([]);
  });

  it('STORE-3: an invoice checkout that failed after its number was registered: the retry gets the same number; one nobody retries is issued by reconcile', async () => {
    const year = Number(localDate(host.clock.now()).slice(0, 4));
    const register = () =>
      host.services.db.collection('orders').queryAll<InvoiceRegisterEntry>(registerPartition(year), { where: "c.type = 'invoice-register-entry'" });
    const json = (requestId: string) => checkoutBody('invoice', { requestId });

    const retrying = demo.accounts.twoSchools;
    inject(orderReplace, { kind: 'status', status: 503 });
    expect((await call('/api/store/orders', { method: 'POST', token: await token(retrying), json: json('invoice-retry-1') })).status).toBe(503);
    answered.pop();
    host.cosmos.setFaultHook(undefined);
    const counted = (await register()).length;
    const retried = await call('/api/store/orders', { method: 'POST', token: await token(retrying), json: json('invoice-retry-1') });
    expect(retried.status).toBe(200);
    expect((await register()).length).toBe(counted);
    const entry = (await register()).find((e) => e.orderId === retried.body.order.id)!;
    expect(retried.body.order.invoice.number).toBe(entry.number);

    const givingUp = demo.accounts.teacherParent;
    inject(orderReplace, { kind: 'status', status: 503 });
    expect((await call('/api/store/orders', { method: 'POST', token: await token(givingUp), json: json('invoice-giving-up-1') })).status).toBe(503);
    answered.pop();
    host.cosmos.setFaultHook(undefined);
    const orphan = (await register()).at(-1)!;
    expect((await order(givingUp, orphan.orderId)).status).toBe('created');
    await call('/_local/clock', { method: 'POST', json: { advanceSeconds: 6 * 60 } });
    expect((await call('/admin/functions/payments-reconcile', { method: 'POST', json: {} })).status).toBe(202);
    await host.bus.idle();
    const issued = await order(givingUp, orphan.orderId);
    expect(issued).toMatchObject({ status: 'pending-payment', invoice: { number: orphan.number } });
    expect(host.outbox.messages.filter((m) => m.subject.includes(orphan.number))).toHaveLength(1);
    expect(host.outbox.messages.filter((m) => m.subject.includes(entry.number))).toHaveLength(1);
  });

  it("STORE-3: a crash between queueing the invoice e-mail and the order's write: the retry writes the same invoice and the buyer gets one e-mail; a write whose answer was lost is the checkout's own", async () => {
    const year = Number(localDate(host.clock.now()).slice(0, 4));
    const buyer = demo.accounts.eeParent;
    const json = (requestId?: string) => checkoutBody('invoice', requestId ? { requestId } : {});
    const mails = (number: string) => host.outbox.messages.filter((m) => m.subject.includes(number));

    inject(orderReplace, { kind: 'status', status: 503 });
    expect((await call('/api/store/orders', { method: 'POST', token: await token(buyer), json: json('invoice-crash-1') })).status).toBe(503);
    answered.pop();
    host.cosmos.setFaultHook(undefined);
    await host.bus.idle();
    const entries = await host.services.db
      .collection('orders')
      .queryAll<InvoiceRegisterEntry>(registerPartition(year), { where: "c.type = 'invoice-register-entry'" });
    const entry = entries.at(-1)!;
    // The e-mail went before the write that failed: the order is still `created`.
    expect(mails(entry.number)).toHaveLength(1);
    expect((await order(buyer, entry.orderId)).status).toBe('created');

    const retried = await call('/api/store/orders', { method: 'POST', token: await token(buyer), json: json('invoice-crash-1') });
    expect(retried.status).toBe(200);
    expect(retried.body.order.id).toBe(entry.orderId);
    await host.bus.idle();
    expect(await order(buyer, entry.orderId)).toMatchObject({ status: 'pending-payment', invoice: { number: entry.number } });
    expect(mails(entry.number)).toHaveLength(1);

    inject(orderReplace, { kind: 'lose-answer' }, 1);
    const lost = await call('/api/store/orders', { method: 'POST', token: await token(buyer), json: json() });
    expect(lost.status).toBe(201);
    await host.bus.idle();
    expect(lost.body.order.status).toBe('pending-payment');
    expect(await order(buyer, lost.body.order.id)).toMatchObject({ status: 'pending-payment', invoice: { number: lost.body.order.invoice.number } });
    expect(mails(lost.body.order.invoice.number)).toHaveLength(1);
  });

  it('STORE-3: the same invoice checkout sent three times at once: one order, one number, one e-mail', async () => {
    const year = Number(localDate(host.clock.now()).slice(0, 4));
    const buyer = demo.accounts.fiTeacher;
    const t = await token(buyer);
    const json = checkoutBody('invoice', { months: 2, requestId: 'invoice-thrice-1' });
    // The first read of the year's invoice counter held back: the requests that find the order created go on to take
    // a number while the one that created it is still on its way to its own.
    inject((r) => r.method === 'GET' && r.path.endsWith('/docs/invoice-counter'), { kind: 'delay', ms: 300 }, 1);
    const answers = await Promise.all([1, 2, 3].map(() => call('/api/store/orders', { method: 'POST', token: t, json })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 201]);
    const orderId = answers[0]!.body.order.id as string;
    for (const a of answers)
      expect(a.body.order).toMatchObject({ id: orderId, status: 'pending-payment', invoice: { number: answers[0]!.body.order.invoice.number } });
    await host.bus.idle();
    const numbered = (
      await host.services.db
        .collection('orders')
        .queryAll<InvoiceRegisterEntry>(registerPartition(year), { where: "c.type = 'invoice-register-entry'" })
    ).filter((e) => e.orderId === orderId);
    expect(numbered.map((e) => e.number)).toEqual([answers[0]!.body.order.invoice.number]);
    expect(host.outbox.messages.filter((m) => m.subject.includes(numbered[0]!.number))).toHaveLength(1);
  });

  it("STORE-2: one person places at most 30 new orders in 15 minutes (429 with Retry-After); repeating an order's request still answers", async () => {
    const buyer = demo.accounts.cmsAuthor;
    const t = await token(buyer);
    const json = (n: number) => checkoutBody('card', { requestId: `limit-order-${String(n).padStart(3, '0')}` });
    for (let n = 0; n < 30; n++) expect((await call('/api/store/orders', { method: 'POST', token: t, json: json(n) })).status).toBe(201);
    const refused = await fetch(`${host.url}/api/store/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
      body: JSON.stringify(json(30)),
    });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    await refused.arrayBuffer();
    const replay = await call('/api/store/orders', { method: 'POST', token: t, json: json(7) });
    expect(replay.status).toBe(200);
    expect(replay.body.paymentUrl).toMatch(/\/pay\//);
  });

  it('PAY-2: no endpoint answered a 5xx in this suite (other than the 503s the tests caused)', () => {
    expect(answered.filter((s) => s >= 500)).toEqual([]);
  });
});
