import { defineHttp, ok } from '../shared/http/define-http.js';
import type { OrderDoc } from '../shared/store/model.js';
import { assertStoreStaff } from '../shared/store/staff.js';

type Row = Pick<OrderDoc, 'id' | 'accountId' | 'status' | 'flags' | 'updatedAt'> & { grossCents: number; transactionId?: string; invoiceNumber?: string };

export default defineHttp({
  name: 'ops-orders-flagged',
  route: 'ops/orders/flagged',
  methods: ['GET'],
  summary:
    'Orders waiting for an operator (PAY-2): payments that did not match their order, refunds whose outcome is unknown or made outside the app, payments for closed orders, overpaid invoices.',
  tags: ['operations', 'store'],
  auth: 'session',
  capability: 'ops.account.suspend',
  handler: async ({ access, services }) => {
    assertStoreStaff(access);
    const rows: Row[] = [];
    let continuation: string | undefined;
    do {
      const page = await services.db
        .collection('orders')
        .crossPartitionQuery<Row>(
          "SELECT c.id, c.accountId, c.status, c.flags, c.updatedAt, c.pricing.grossCents AS grossCents, c.payment.transactionId AS transactionId, c.invoice.number AS invoiceNumber FROM c WHERE c.type = 'order' AND ARRAY_LENGTH(c.flags) > 0",
          [],
          continuation,
          200,
        );
      rows.push(...page.items.filter((r) => r.flags.some((f) => !f.resolvedAt)));
      continuation = page.continuation;
    } while (continuation && rows.length < 1000);
    return ok({ orders: rows });
  },
});
