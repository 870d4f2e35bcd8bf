import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { verifyMac } from '../../payments/mac.js';
import { createMaksekeskusClient, type CreateTransactionRequest, MaksekeskusError, REFUND_STILL_PROCESSING } from '../../platform/maksekeskus.js';
import { type MaksekeskusStandIn, startMaksekeskusStandIn } from './index.js';

/** The stand-in and the app's real client against each other, plus a small receiver for its notifications. */
let standIn: MaksekeskusStandIn;
let receiver: Server;
let receiverUrl: string;
const received: { method: string; contentType: string; body: string; url: string }[] = [];

beforeAll(async () => {
  standIn = await startMaksekeskusStandIn({ shopId: 'shop-1', secretKey: 'secret-1' });
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push({ method: req.method ?? '', contentType: req.headers['content-type'] ?? '', body, url: req.url ?? '' });
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await standIn?.close();
  await new Promise<void>((resolve) => receiver?.close(() => resolve()));
});

const client = () => createMaksekeskusClient({ shopId: 'shop-1', secretKey: 'secret-1', apiUrl: standIn.apiUrl });
const request = (
  overrides: Partial<CreateTransactionRequest['transaction']> = {},
  customer: Record<string, unknown> = {},
): CreateTransactionRequest => ({
  transaction: {
    amount: '35.88',
    currency: 'EUR',
    reference: 'ord-TESTORDER1',
    transaction_url: {
      return_url: { url: `${receiverUrl}/return`, method: 'POST' },
      cancel_url: { url: `${receiverUrl}/return`, method: 'POST' },
      notification_url: { url: `${receiverUrl}/notify`, method: 'POST' },
    },
    ...overrides,
  },
  customer: { ip: '127.0.0.1', email: 'buyer@example.com', country: 'ee', locale: 'et', ...customer },
});

describe('Maksekeskus stand-in and client', () => {
  it('STORE-3: creates a transaction over HTTP Basic and offers the Estonian bank links and cards', async () => {
    const trx = await client().createTransaction(request());
    expect(trx.status).toBe('CREATED');
    expect(trx.payment_methods?.banklinks?.map((b) => b.name)).toEqual(['swedbank', 'seb', 'lhv', 'luminor', 'coop', 'pocopay']);
    expect(trx.payment_methods?.cards?.map((c) => c.name)).toEqual(['visa', 'mastercard']);
    expect(trx.payment_methods?.other?.[0]?.url).toBe(standIn.payUrl(trx.id));
    const again = await client().getTransaction(trx.id);
    expect(again).toMatchObject({ id: trx.id, status: 'CREATED', amount: 35.88, currency: 'EUR', reference: 'ord-TESTORDER1' });
    expect(await client().getTransaction('no-such-transaction')).toBeUndefined();
  });

  it('PAY-1: refuses wrong credentials, a malformed amount, and personal data payment does not need', async () => {
    const wrong = createMaksekeskusClient({ shopId: 'shop-1', secretKey: 'nope', apiUrl: standIn.apiUrl });
    await expect(wrong.createTransaction(request())).rejects.toMatchObject({ kind: 'rejected', status: 401 });
    await expect(client().createTransaction(request({ amount: '35,88' }))).rejects.toBeInstanceOf(MaksekeskusError);
    await expect(client().createTransaction(request({}, { name: 'Mari Mets' }))).rejects.toMatchObject({ kind: 'rejected', status: 400 });
    await expect(client().createTransaction(request({}, { ip: 'not-an-ip' }))).rejects.toMatchObject({ status: 400 });
  });

  it('STORE-3: lists methods per country (GET /v1/methods)', async () => {
    const ee = await client().getMethods({ country: 'ee', currency: 'EUR' });
    expect(ee.banklinks.map((b) => b.display_name)).toEqual(['Swedbank', 'SEB', 'LHV', 'Luminor', 'Coop Pank', 'Pocopay']);
    const fi = await client().getMethods({ country: 'fi', currency: 'EUR' });
    expect(fi.banklinks.map((b) => b.name)).toContain('nordea');
  });

  it('PAY-2: paying sends MAC-signed form messages to the notification URL and returns the browser with a signed form', async () => {
    received.length = 0;
    const trx = await client().createTransaction(request());
    const page = await fetch(`${standIn.payUrl(trx.id)}?outcome=paid&method=swedbank&payerAccount=EE382200221020145685&payerName=Mari%20Mets`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`action="${receiverUrl}/return"`);
    expect(html).toContain('Tagasi kaupmehe juurde');
    const notification = received.find((r) => r.url === '/notify')!;
    expect(notification).toMatchObject({ method: 'POST', contentType: 'application/x-www-form-urlencoded' });
    const form = new URLSearchParams(notification.body);
    const json = form.get('json')!;
    expect(verifyMac(json, form.get('mac')!, 'secret-1')).toBe(true);
    expect(JSON.parse(json)).toMatchObject({
      transaction: trx.id,
      status: 'COMPLETED',
      amount: '35.88',
      currency: 'EUR',
      reference: 'ord-TESTORDER1',
      shop: 'shop-1',
      message_type: 'payment_return',
      customer_account: 'EE382200221020145685',
      customer_name: 'Mari Mets',
    });
    expect((await client().getTransaction(trx.id))?.status).toBe('COMPLETED');
  });

  it('PAY-2: test hooks: duplicates, an out-of-order PENDING and a late CANCELLED, all correctly signed', async () => {
    received.length = 0;
    const trx = await client().createTransaction(request());
    const result = await standIn.pay(trx.id, { outcome: 'paid', duplicates: 3, outOfOrder: true, lateCancel: true });
    const statuses = received
      .filter((r) => r.url === '/notify')
      .map((r) => {
        const form = new URLSearchParams(r.body);
        expect(verifyMac(form.get('json')!, form.get('mac')!, 'secret-1')).toBe(true);
        return (JSON.parse(form.get('json')!) as { status: string }).status;
      });
    expect(statuses).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED', 'PENDING', 'CANCELLED']);
    expect(result.deliveries).toHaveLength(5);
    // The transaction itself stays COMPLETED.
    expect((await client().getTransaction(trx.id))?.status).toBe('COMPLETED');
  });

  it('STORE-6: refunds: partial then the rest; more than paid, or of an unpaid transaction, is refused; 1045 on request', async () => {
    const trx = await client().createTransaction(request());
    await expect(client().createRefund(trx.id, { amount: '1.00', comment: 'x' })).rejects.toMatchObject({ kind: 'rejected', code: 1040 });
    await standIn.pay(trx.id, { outcome: 'paid', notify: false });
    const first = await client().createRefund(trx.id, { amount: '10.00', comment: 'publisher stopped a work' });
    expect(first.id).toBeTruthy();
    expect((await client().getTransaction(trx.id))?.status).toBe('PART_REFUNDED');
    await expect(client().createRefund(trx.id, { amount: '30.00', comment: 'too much' })).rejects.toMatchObject({ code: 1041 });
    standIn.failNextRefund(REFUND_STILL_PROCESSING);
    await expect(client().createRefund(trx.id, { amount: '25.88', comment: 'rest' })).rejects.toMatchObject({ kind: 'rejected', code: 1045 });
    await client().createRefund(trx.id, { amount: '25.88', comment: 'rest' });
    expect((await client().getTransaction(trx.id))?.status).toBe('REFUNDED');
    expect(standIn.refunds.filter((r) => r.transactionId === trx.id).map((r) => r.amount)).toEqual(['10.00', '25.88']);
  });

  it('a cancelled payment returns the browser to the cancel URL and notifies CANCELLED', async () => {
    received.length = 0;
    const trx = await client().createTransaction(request());
    const result = await standIn.pay(trx.id, { outcome: 'cancelled' });
    expect(result.return.url).toBe(`${receiverUrl}/return`);
    expect(JSON.parse(result.return.message.json)).toMatchObject({ status: 'CANCELLED' });
    expect((await client().getTransaction(trx.id))?.status).toBe('CANCELLED');
  });

  it('an unreachable API is "unavailable", never a silent success', async () => {
    const dead = createMaksekeskusClient({ shopId: 's', secretKey: 'k', apiUrl: 'http://127.0.0.1:9/v1' }, fetch, 2000);
    await expect(dead.getTransaction('x')).rejects.toMatchObject({ kind: 'unavailable' });
  });
});
