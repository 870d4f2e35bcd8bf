import { z } from 'zod';

import { recordStaffAccess } from '../shared/acl/index.js';
import { defineHttp, ok } from '../shared/http/index.js';
import { orderView, orderViewSchema, recordInvoicePayment } from '../shared/store/index.js';

export default defineHttp({
  name: 'ops-invoices-record-payment',
  route: 'ops/invoices/{invoiceNumber}/payments',
  methods: ['POST'],
  summary:
    "Operator staff record money that arrived for a prepayment invoice (STORE-3, STORE-4), one bank statement entry at a time (idempotent by bankEntryId). Paid in full, the order's licence becomes active from the buyer's chosen start date.",
  tags: ['operations', 'store'],
  auth: 'session',
  capability: 'ops.store.manage',
  // Checked by recordInvoicePayment: a malformed number is simply not found (404), after access control.
  params: z.object({ invoiceNumber: z.string().min(1).max(20) }),
  body: z.strictObject({
    bankEntryId: z.string().min(1).max(100),
    amountCents: z.number().int().min(1).max(100_000_000),
    receivedOn: z.iso.date(),
    payerAccount: z
      .string()
      .regex(/^[A-Za-z0-9 ]{5,40}$/)
      .optional(),
  }),
  output: z.object({ order: orderViewSchema, paidCents: z.number().int(), outstandingCents: z.number().int() }),
  errors: ['invoice_not_found'],
  handler: async ({ params, body, access, services, correlationId }) => {
    const staff = access.account.accountId;
    const result = await recordInvoicePayment(services, { invoiceNumber: params.invoiceNumber, ...body }, staff);
    // ACL-7: the answer is the buyer's order: the buyer sees in their audit log that staff handled it.
    await recordStaffAccess(services, { subjectId: result.order.accountId, staffAccountId: staff, capability: 'ops.store.manage', correlationId });
    return ok({ order: orderView(result.order, services.clock.now()), paidCents: result.paidCents, outstandingCents: result.outstandingCents });
  },
});
