import { describe, expect, it } from 'vitest';

import { demo } from '../shared/local/seed.js';
import { localDate } from '../shared/store/dates.js';
import { api, baseUrl, tokenFor } from './helpers.js';

/**
 * The shop end to end over HTTP on the local stack (the run's shared host): checkout -> the Maksekeskus stand-in's
 * pay page -> signed notification -> licence active -> entitlement check; and the prepayment invoice path.
 * The abuse suite and the clock-dependent cases run on their own host (payments-abuse.e2e.test.ts).
 */

const WEB = 'http://127.0.0.1:3000';
const today = () => localDate(new Date());

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() - started > timeoutMs) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Follows the stand-in's pay page and posts its auto-submitting return form back to the app, as a browser does. */
async function payInBrowser(paymentUrl: string, query: string) {
  const page = await fetch(`${paymentUrl}${paymentUrl.includes('?') ? '&' : '?'}${query}`);
  const html = await page.text();
  const action = /action="([^"]+)"/.exec(html)?.[1];
  const decode = (s: string) => s.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
  const values = Object.fromEntries([...html.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, decode(m[2]!)]));
  expect(action, 'the pay page returns the browser with a form').toBeDefined();
  const back = await fetch(decode(action!), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(values).toString(),
    redirect: 'manual',
  });
  return { status: back.status, location: back.headers.get('location') ?? '', json: values.json! };
}

const outbox = async () => (await api<{ to: string; subject: string; text: string; category: string }[]>('/_local/outbox')).body;

describe('store: catalogue, checkout and Maksekeskus payment (STORE-1..5, STORE-7, PAY-1..3)', () => {
  it('STORE-1, STORE-2: the catalogue lists packages with monthly prices in euro cents and the VAT rates', async () => {
    const r = await api('/api/catalog');
    expect(r.status).toBe(200);
    expect(r.body.packages).toContainEqual(
      expect.objectContaining({
        id: 'package-ee-math',
        publisherId: demo.publishers.ee,
        priceCentsPerMonth: 299,
        workIds: ['work-ee-math-5', 'work-ee-math-6'],
      }),
    );
    expect(r.body.works).toContainEqual(expect.objectContaining({ id: 'work-ee-math-5', subjects: ['mathematics'], country: 'EE' }));
    expect(r.body).toMatchObject({ currency: 'EUR', pricesIncludeVat: true, vatRatePercent: { EE: 24, FI: 25.5 } });
  });

  it('STORE-3: the payment methods show the Estonian bank links and cards (cached), and the invoice', async () => {
    const r = await api('/api/payments/methods?country=EE');
    expect(r.status).toBe(200);
    expect(r.body.banklinks.map((b: { displayName: string }) => b.displayName)).toEqual([
      'Swedbank',
      'SEB',
      'LHV',
      'Luminor',
      'Coop Pank',
      'Pocopay',
    ]);
    expect(r.body.cards.map((c: { name: string }) => c.name)).toEqual(['visa', 'mastercard']);
    expect(r.body.invoice).toBe(true);
    // The second call is served from the cache: one point read, no write.
    const again = await api('/api/payments/methods?country=EE');
    expect(again.headers.get('x-cosmos-ops')).toBe('pointRead=1;write=0;query=0;crossPartitionQuery=0;metadata=0');
  });

  it('STORE-7: checkout without the no-withdrawal acknowledgement is refused; a buyer must be signed in (STORE-1)', async () => {
    const token = await tokenFor(demo.accounts.eeClassTeacher);
    const body = {
      publisherId: demo.publishers.ee,
      packageId: 'package-ee-math',
      months: 12,
      startDate: today(),
      paymentMethod: { type: 'card' },
      acknowledgeNoWithdrawal: false,
    };
    const refused = await api('/api/store/orders', { method: 'POST', token, json: body, headers: { 'accept-language': 'en' } });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'withdrawal_acknowledgement_required', message: expect.stringContaining('withdrawal') });
    expect((await api('/api/store/orders', { method: 'POST', json: { ...body, acknowledgeNoWithdrawal: true } })).status).toBe(401);
    const past = await api('/api/store/orders', { method: 'POST', token, json: { ...body, acknowledgeNoWithdrawal: true, startDate: '2020-01-01' } });
    expect(past.body.error.code).toBe('start_date_invalid');
    const unknown = await api('/api/store/orders', {
      method: 'POST',
      token,
      json: { ...body, acknowledgeNoWithdrawal: true, packageId: 'no-such-package' },
    });
    expect(unknown.status).toBe(404);
  });

  it('STORE-2..5, PAY-2, PAY-3: order -> Maksekeskus pay page -> notification -> licence active -> entitlement check true', async () => {
    // Jaan: no other test file suspends him or ends his sessions on the shared host.
    const buyer = demo.accounts.eeTeacher;
    const token = await tokenFor(buyer);
    const before = await api(`/api/licences/works/work-ee-math-5/access`, { token });
    expect(before.body).toEqual({ allowed: false });

    const quote = await api(`/api/store/quote?publisherId=${demo.publishers.ee}&packageId=package-ee-math&months=12`, {
      token,
      headers: { 'accept-language': 'en' },
    });
    expect(quote.body.pricing).toMatchObject({
      unitPriceCents: 299,
      months: 12,
      grossCents: 3588,
      vatCents: 694,
      netCents: 2894,
      vatRatePercent: 24,
    });
    expect(quote.body.acknowledgementText).toContain('no right of withdrawal');

    const placed = await api('/api/store/orders', {
      method: 'POST',
      token,
      headers: { 'accept-language': 'en' },
      json: {
        publisherId: demo.publishers.ee,
        packageId: 'package-ee-math',
        months: 12,
        startDate: today(),
        paymentMethod: { type: 'banklink', bank: 'swedbank' },
        acknowledgeNoWithdrawal: true,
      },
    });
    expect(placed.status).toBe(201);
    const order = placed.body.order;
    expect(order).toMatchObject({
      status: 'pending-payment',
      paymentMethod: { type: 'banklink', bank: 'swedbank' },
      pricing: { grossCents: 3588, vatCents: 694 },
      acknowledgement: { noWithdrawalRight: true, text: expect.stringContaining('§ 53(4) p 7¹') },
    });
    expect(placed.body.paymentUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/pay\/.+\?method=swedbank$/);

    const returned = await payInBrowser(placed.body.paymentUrl, 'outcome=paid&payerAccount=EE382200221020145685&payerName=Jaan%20Tamm');
    // "Tagasi kaupmehe juurde": the browser lands on the shop's order page.
    expect(returned.status).toBe(303);
    expect(returned.location).toBe(`${WEB}/shop/orders/${order.id}?payment=completed`);

    const paid = await eventually(
      () => api(`/api/store/orders/${order.id}`, { token }),
      (r) => r.body.status === 'licence-active',
    );
    expect(paid.body.status).toBe('licence-active');
    expect(paid.body.transitions.map((t: { to: string }) => t.to)).toEqual(['created', 'pending-payment', 'paid', 'licence-active']);
    expect(paid.body.licence.state).toBe('active');
    expect(paid.body.payment).toMatchObject({ provider: 'maksekeskus', status: 'COMPLETED' });

    const access = await api(`/api/licences/works/work-ee-math-5/access`, { token });
    expect(access.body).toEqual({ allowed: true, until: order.licence.until });
    expect((await api(`/api/licences/works/work-ee-est-5/access`, { token })).body).toEqual({ allowed: false });
    const licences = await api('/api/licences', { token });
    expect(licences.body.licences.map((l: { workId: string }) => l.workId)).toEqual(expect.arrayContaining(['work-ee-math-5', 'work-ee-math-6']));

    // STORE-5: the transaction details, in the buyer's own language (Jaan: Estonian), whatever the checkout page's.
    const mail = await eventually(outbox, (m) => m.some((e) => e.subject.includes(order.id)));
    const confirmation = mail.find((e) => e.subject.includes(order.id))!;
    expect(confirmation).toMatchObject({
      to: 'jaan.tamm@kuusiku.example',
      category: 'transaction',
      subject: `Opiq: tellimus ${order.id} on makstud`,
    });
    for (const part of [
      'Matemaatika 5. klassile',
      'Hind käibemaksuta: 28,94 €',
      'Käibemaks 24 %: 6,94 €',
      'Kokku: 35,88 €',
      'pangalink (swedbank)',
      '(12 kuud)',
      'taganemisõigust ei ole',
    ])
      expect(confirmation.text.replace(/\s/g, ' ')).toContain(part);
    // The order list keeps it (STORE-5).
    const list = await api('/api/store/orders', { token });
    expect(list.body.orders.map((o: { id: string }) => o.id)).toContain(order.id);
  });

  it('PAY-2: another buyer cannot see the order; the return without a valid MAC lands on the unverified page', async () => {
    const token = await tokenFor(demo.accounts.eeStudent);
    const placed = await api('/api/store/orders', {
      method: 'POST',
      token,
      json: {
        publisherId: demo.publishers.ee,
        packageId: 'package-ee-est-5',
        months: 1,
        startDate: today(),
        paymentMethod: { type: 'card' },
        acknowledgeNoWithdrawal: true,
      },
    });
    expect(placed.status).toBe(201);
    const other = await tokenFor(demo.accounts.eeStudent2);
    expect((await api(`/api/store/orders/${placed.body.order.id}`, { token: other })).status).toBe(404);
    const forged = await fetch(`${baseUrl()}/api/payments/maksekeskus/return`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        json: JSON.stringify({ transaction: 'x', status: 'COMPLETED', reference: placed.body.order.id }),
        mac: 'AB'.repeat(64),
      }).toString(),
      redirect: 'manual',
    });
    expect(forged.status).toBe(303);
    expect(forged.headers.get('location')).toBe(`${WEB}/shop/orders?payment=unverified`);
  });
});

describe('store: prepayment invoice (STORE-3, STORE-4)', () => {
  it('STORE-3, STORE-4: invoice e-mailed with a numbered series; operator records the money; licence active from the start date', async () => {
    const buyer = demo.accounts.eeParent;
    const token = await tokenFor(buyer);
    const placed = await api('/api/store/orders', {
      method: 'POST',
      token,
      json: {
        publisherId: demo.publishers.ee,
        packageId: 'package-ee-est-5',
        months: 6,
        startDate: today(),
        paymentMethod: { type: 'invoice' },
        acknowledgeNoWithdrawal: true,
        requestId: `invoice-${Date.now()}`,
      },
    });
    expect(placed.status).toBe(201);
    const order = placed.body.order;
    expect(order.status).toBe('pending-payment');
    expect(order.invoice).toMatchObject({
      number: expect.stringMatching(/^\d{4}-\d{5}$/),
      iban: 'EE382200221020145685',
      seller: 'Star Cloud OÜ',
      paidCents: 0,
    });
    expect(placed.body.paymentUrl).toBeUndefined();
    const grossCents = order.pricing.grossCents as number;
    expect(grossCents).toBe(199 * 6);

    const mail = await eventually(outbox, (m) => m.some((e) => e.subject.includes(order.invoice.number)));
    const invoice = mail.find((e) => e.subject.includes(order.invoice.number))!;
    expect(invoice).toMatchObject({ to: 'tiina.saar@example.com', subject: `Opiq: ettemaksuarve nr ${order.invoice.number}` });
    for (const part of [order.invoice.referenceNumber, 'EE382200221020145685', 'Käibemaks 24 %', '11,94 €', 'Maksetähtaeg'])
      expect(invoice.text.replace(/\s/g, ' ')).toContain(part);
    expect((await api('/api/licences/works/work-ee-est-5/access', { token })).body.allowed).toBe(false);

    // Only operator staff record payments.
    const path = `/api/ops/invoices/${order.invoice.number}/payments`;
    const entry = { bankEntryId: `stmt-${order.id}-1`, amountCents: 500, receivedOn: today(), payerAccount: 'EE471000001020145685' };
    expect((await api(path, { method: 'POST', token, json: entry })).status).toBe(403);
    const staff = await tokenFor(demo.accounts.staff);
    const part = await api(path, { method: 'POST', token: staff, json: entry });
    expect(part.status).toBe(200);
    expect(part.body).toMatchObject({ paidCents: 500, outstandingCents: grossCents - 500, order: { status: 'pending-payment' } });
    // The same bank entry again changes nothing.
    expect((await api(path, { method: 'POST', token: staff, json: entry })).body.paidCents).toBe(500);
    const rest = await api(path, {
      method: 'POST',
      token: staff,
      json: { ...entry, bankEntryId: `stmt-${order.id}-2`, amountCents: grossCents - 500 },
    });
    expect(rest.body).toMatchObject({ paidCents: grossCents, outstandingCents: 0, order: { status: 'licence-active' } });
    expect(rest.body.order.licence).toMatchObject({ startDate: today(), state: 'active' });

    const access = await api('/api/licences/works/work-ee-est-5/access', { token });
    expect(access.body).toEqual({ allowed: true, until: order.licence.until });
    expect((await api('/api/ops/invoices/2026-99999/payments', { method: 'POST', token: staff, json: entry })).status).toBe(404);

    // Checkout is idempotent by request id.
    const replay = await api('/api/store/orders', {
      method: 'POST',
      token,
      json: {
        publisherId: demo.publishers.ee,
        packageId: 'package-ee-est-5',
        months: 6,
        startDate: today(),
        paymentMethod: { type: 'invoice' },
        acknowledgeNoWithdrawal: true,
        requestId: 'replay-check-0001',
      },
    });
    const replayed = await api('/api/store/orders', {
      method: 'POST',
      token,
      json: {
        publisherId: demo.publishers.ee,
        packageId: 'package-ee-est-5',
        months: 6,
        startDate: today(),
        paymentMethod: { type: 'invoice' },
        acknowledgeNoWithdrawal: true,
        requestId: 'replay-check-0001',
      },
    });
    expect(replay.status).toBe(201);
    expect(replayed.status).toBe(200);
    expect(replayed.body.order.id).toBe(replay.body.order.id);
    expect(replayed.body.order.invoice.number).toBe(replay.body.order.invoice.number);
  });
});
