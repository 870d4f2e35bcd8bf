import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type EmbeddedCosmos, startEmbeddedCosmos } from '../local/cosmos-server.js';
import { AdjustableClock } from '../platform/clock.js';
import { createDatabase, type Database } from '../platform/cosmos.js';
import { dataRegistry, storageRules } from '../privacy/registry.js';
import { allocateInvoiceNumber, isValidReferenceNumber, readRegisterEntry } from './invoices.js';

describe('gap-free invoice numbers against the embedded Cosmos (STORE-3)', () => {
  let cosmos: EmbeddedCosmos;
  let db: Database;
  const clock = new AdjustableClock();
  beforeAll(async () => {
    cosmos = await startEmbeddedCosmos();
    db = createDatabase(cosmos.client, dataRegistry.database, storageRules, clock);
  });
  afterAll(async () => cosmos?.close());

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
});
