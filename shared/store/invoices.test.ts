import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type EmbeddedCosmos, startEmbeddedCosmos } from '../local/cosmos-server.js';
import { AdjustableClock } from '../platform/clock.js';
import { createDatabase, type Database } from '../platform/cosmos.js';
import { dataRegistry, storageRules } from '../privacy/registry.js';
import {
  allocateInvoiceNumber,
  formatInvoiceNumber,
  type InvoiceRegisterEntry,
  isValidReferenceNumber,
  readRegisterEntry,
  registerPartition,
} from './invoices.js';

describe('gap-free invoice numbers against the embedded Cosmos (STORE-3)', () => {
  let cosmos: EmbeddedCosmos;
  let db: Database;
  const clock = new AdjustableClock();
  beforeAll(async () => {
    cosmos = await startEmbeddedCosmos();
    db = createDatabase(cosmos.client, dataRegistry.database, storageRules, clock);
  });
  afterAll(async () => cosmos?.close());
  afterEach(() => cosmos.setFaultHook(undefined));

  const yearNow = () => Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Tallinn', year: 'numeric' }).format(clock.now()));
  const entries = async (year: number) =>
    (await db.collection('orders').queryAll<InvoiceRegisterEntry>(registerPartition(year), { where: "c.type = 'invoice-register-entry'" }))
      .map((e) => `${e.sequence}:${e.orderId}`)
      .sort((a, b) => parseInt(a) - parseInt(b));

  it('STORE-3, RET-3: 20 concurrent invoices get exactly the numbers 1..20 of the year, each with its register entry', async () => {
    const services = { db, clock };
    const year = Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Tallinn', year: 'numeric' }).format(clock.now()));
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        allocateInvoiceNumber(services, { orderId: `ord-CONC${String(i).padStart(4, '0')}`, buyerAccountId: `acc-${i}`, grossCents: 100 + i }),
      ),
    );
    expect(results.map((r) => r.sequence).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(results.map((r) => r.number)).size).toBe(20);
    for (const r of results) {
      expect(r.number).toBe(`${year}-${String(r.sequence).padStart(5, '0')}`);
      expect(isValidReferenceNumber(r.referenceNumber)).toBe(true);
      const entry = await readRegisterEntry(services, year, r.sequence);
      expect(entry?.number).toBe(r.number);
    }
    // The next one continues the series; asking again for the same order gives its number back.
    const next = await allocateInvoiceNumber(services, { orderId: 'ord-NEXT0001', buyerAccountId: 'acc-x', grossCents: 1 });
    expect(next.sequence).toBe(21);
    const again = await allocateInvoiceNumber(services, { orderId: 'ord-NEXT0001', buyerAccountId: 'acc-x', grossCents: 1 });
    expect(again).toEqual(next);
  });

  it("STORE-3: a number batch applied but its answer lost is recognised as the order's own on the retry: no second number", async () => {
    const services = { db, clock };
    const year = yearNow();
    const before = await entries(year);
    let lost = 0;
    // The batch is the only non-query POST of an allocation (the counter is a point read).
    cosmos.setFaultHook((r) =>
      r.method === 'POST' && !r.query && r.path.includes('/colls/orders/docs') && lost++ === 0 ? { kind: 'lose-answer' } : undefined,
    );
    const taken = await allocateInvoiceNumber(services, { orderId: 'ord-LOSTANSWER1', buyerAccountId: 'acc-l', grossCents: 5 }, { fresh: true });
    expect(lost).toBeGreaterThan(1);
    expect(taken.sequence).toBe(before.length + 1);
    expect(await entries(year)).toEqual([...before, `${before.length + 1}:ord-LOSTANSWER1`]);
    const next = await allocateInvoiceNumber(services, { orderId: 'ord-AFTERLOST1', buyerAccountId: 'acc-m', grossCents: 5 }, { fresh: true });
    expect(next.sequence).toBe(before.length + 2);
  });

  it('STORE-3: entries written past the counter (by the former scheme, which raised it afterwards) are walked over, and the counter follows', async () => {
    const services = { db, clock };
    const year = yearNow();
    const before = (await entries(year)).length;
    for (const sequence of [before + 1, before + 2]) {
      await db.collection('orders').create<InvoiceRegisterEntry>({
        id: `invoice:${year}:${sequence}`,
        type: 'invoice-register-entry',
        accountId: registerPartition(year),
        year,
        sequence,
        number: formatInvoiceNumber(year, sequence),
        orderId: `ord-FORMER${sequence}`,
        buyerAccountId: 'acc-f',
        grossCents: 1,
        issuedAt: clock.now().toISOString(),
      });
    }
    const taken = await allocateInvoiceNumber(services, { orderId: 'ord-PASTFORMER', buyerAccountId: 'acc-p', grossCents: 5 }, { fresh: true });
    expect(taken.sequence).toBe(before + 3);
    expect(await db.collection('orders').read('invoice-counter', registerPartition(year))).toMatchObject({ last: before + 3 });
    expect(
      (await allocateInvoiceNumber(services, { orderId: 'ord-AFTERFORMER', buyerAccountId: 'acc-q', grossCents: 5 }, { fresh: true })).sequence,
    ).toBe(before + 4);
  });

  it('STORE-3: the same order finished by several requests at once gets one number and one register entry', async () => {
    const services = { db, clock };
    const year = yearNow();
    const before = await entries(year);
    const input = { orderId: 'ord-TWICEATONCE', buyerAccountId: 'acc-t', grossCents: 7 };
    const taken = await Promise.all([
      allocateInvoiceNumber(services, input, { fresh: true }),
      allocateInvoiceNumber(services, input),
      allocateInvoiceNumber(services, input),
      allocateInvoiceNumber(services, { ...input, orderId: 'ord-BESIDETWICE' }, { fresh: true }),
    ]);
    expect(new Set(taken.slice(0, 3).map((t) => t.number)).size).toBe(1);
    expect(taken[3].number).not.toBe(taken[0].number);
    const after = await entries(year);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(
      after
        .slice(before.length)
        .map((e) => e.split(':')[1])
        .sort(),
    ).toEqual(['ord-BESIDETWICE', 'ord-TWICEATONCE']);
    expect(after.map((e) => parseInt(e))).toEqual(after.map((_, i) => i + 1));
  });
});
