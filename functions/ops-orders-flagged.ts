import { z } from 'zod';

import { recordStaffAccess } from '../shared/acl/index.js';
import { defineHttp, ok } from '../shared/http/index.js';
import { pagingQuery } from '../shared/platform/paging.js';
import { listFlaggedOrders, orderFlagSchema, orderStatuses } from '../shared/store/index.js';

export default defineHttp({
  name: 'ops-orders-flagged',
  route: 'ops/orders/flagged',
  methods: ['GET'],
  summary:
    'Orders waiting for an operator (PAY-2): payments that did not match their order, refunds whose outcome is unknown or made outside the app, payments for closed orders, overpaid invoices.',
  tags: ['operations', 'store'],
  auth: 'session',
  capability: 'ops.store.manage',
  query: z.object(pagingQuery(500)),
  output: z.object({
    orders: z.array(
      z.object({
        id: z.string(),
        accountId: z.string(),
        status: z.enum(orderStatuses),
        flags: z.array(orderFlagSchema),
        updatedAt: z.string(),
        // A projection: absent on an order stored without pricing.
        grossCents: z.number().int().optional(),
        transactionId: z.string().optional(),
        invoiceNumber: z.string().optional(),
      }),
    ),
    continuation: z.string().optional(),
  }),
  errors: ['invalid_continuation'],
  handler: async ({ query, services, principal, correlationId }) => {
    const page = await listFlaggedOrders(services, query);
    // ACL-7: a look at buyers' orders is a look at their data: each buyer listed sees it in their audit log.
    for (const subjectId of new Set(page.items.map((o) => o.accountId)))
      await recordStaffAccess(services, { subjectId, staffAccountId: principal.accountId, capability: 'ops.store.manage', correlationId });
    return ok({ orders: page.items, ...(page.continuation ? { continuation: page.continuation } : {}) });
  },
});
