import { describe, expect, it } from 'vitest';

import { demo } from '../shared/local/seed.js';
import { parseCounts } from '../shared/platform/operations.js';
import { localDate } from '../shared/store/dates.js';
import { api } from './helpers.js';
import { newPerson, type Person } from './people.js';

/**
 * Issue 11: what checkout costs in Cosmos operations (the x-cosmos-ops header on the shared local host), by case:
 * the order limit is counted in the batch that creates the order, and the package carries copies of its works.
 */

const total = (header: string | null) => {
  const c = parseCounts(header ?? '');
  return c.pointRead + c.write + c.query + c.crossPartitionQuery;
};

const checkout = (person: Person, paymentMethod: { type: string }, extra: Record<string, unknown> = {}) =>
  api<{ order: { id: string; status: string }; paymentUrl?: string }>('/api/store/orders', {
    method: 'POST',
    token: person.token,
    json: {
      publisherId: demo.publishers.ee,
      packageId: 'package-ee-est-5',
      months: 1,
      startDate: localDate(new Date()),
      paymentMethod,
      acknowledgeNoWithdrawal: true,
      ...extra,
    },
  });

describe('issue 11: Cosmos operations of a checkout (measured before the change in brackets)', () => {
  it("STORE-2: a card checkout costs 5 (8), a person's first 6 (7: the order-limit counter is created with the order), with a request id one read more; a repeat of it 3 (3)", async () => {
    const buyer = await newPerson('Costbuyer');
    const first = await checkout(buyer, { type: 'card' });
    expect(first.status).toBe(201);
    // Authentication, the package, a batch refused for want of the counter, the batch creating counter and order,
    // the move to pending-payment, the transaction index.
    expect(parseCounts(first.headers.get('x-cosmos-ops') ?? '')).toMatchObject({ pointRead: 2, write: 4, query: 0 });
    const second = await checkout(buyer, { type: 'card' }, { requestId: 'cost-card-0001' });
    expect(second.status).toBe(201);
    expect(second.body.paymentUrl).toBeTruthy();
    // The order looked for by its request id first (9 before).
    expect(total(second.headers.get('x-cosmos-ops'))).toBe(6);
    const third = await checkout(buyer, { type: 'card' });
    expect(third.status).toBe(201);
    expect(parseCounts(third.headers.get('x-cosmos-ops') ?? '')).toMatchObject({ pointRead: 2, write: 3, query: 0 });
    // The same request id again: authentication, the order, the index checked; nothing written.
    const replay = await checkout(buyer, { type: 'card' }, { requestId: 'cost-card-0001' });
    expect(replay.status).toBe(200);
    expect(replay.body.order.id).toBe(second.body.order.id);
    expect(replay.body.paymentUrl).toBe(second.body.paymentUrl);
    expect(parseCounts(replay.headers.get('x-cosmos-ops') ?? '')).toMatchObject({ pointRead: 3, write: 0, query: 0 });
  });

  it('STORE-3: an invoice checkout costs 6 (12), with a request id 7; a repeat of it 2', async () => {
    const buyer = await newPerson('Costinvoice');
    expect((await checkout(buyer, { type: 'card' })).status).toBe(201);
    const invoice = await checkout(buyer, { type: 'invoice' });
    expect(invoice.status).toBe(201);
    expect(invoice.body.order.status).toBe('pending-payment');
    // Authentication, the package, the batch counting and creating the order, the invoice counter, the batch moving
    // the counter with the new register entry, the order's move to pending-payment with its invoice (no lookup of a
    // number for an order this request created, no read of the order, no separate e-mail marker).
    expect(parseCounts(invoice.headers.get('x-cosmos-ops') ?? '')).toMatchObject({ pointRead: 3, write: 3, query: 0 });
    expect(total(invoice.headers.get('x-cosmos-ops'))).toBe(6);
    const withId = await checkout(buyer, { type: 'invoice' }, { requestId: 'cost-invoice-0001' });
    expect(withId.status).toBe(201);
    // The order looked for by its request id first.
    expect(parseCounts(withId.headers.get('x-cosmos-ops') ?? '')).toMatchObject({ pointRead: 4, write: 3, query: 0 });
    // The same request id again: authentication and the order, which carries its invoice and its queued e-mail.
    const replay = await checkout(buyer, { type: 'invoice' }, { requestId: 'cost-invoice-0001' });
    expect(replay.status).toBe(200);
    expect(replay.body.order.id).toBe(withId.body.order.id);
    expect(parseCounts(replay.headers.get('x-cosmos-ops') ?? '')).toMatchObject({ pointRead: 2, write: 0, query: 0 });
    expect(total(replay.headers.get('x-cosmos-ops'))).toBe(2);
  });
});
