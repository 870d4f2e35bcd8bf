import { z } from 'zod';

import { accepted, defineHttp } from '../shared/http/index.js';
import { idSchema, stopDistribution } from '../shared/store/index.js';

export default defineHttp({
  name: 'ops-works-withdraw',
  route: 'ops/publishers/{publisherId}/works/{workId}/withdraw',
  methods: ['POST'],
  summary:
    "The publisher's editor (or support staff) stops distributing a work (OPS-2, STORE-6), with a reason: it leaves the shop at once; after graceHours (default 24) a queued job ends every current licence to it, records the pro-rata refund (Maksekeskus refunds API, or an offset for invoices) and e-mails the buyers. Until the job starts, POST …/withdraw/cancel takes it back. 202; repeating it is harmless.",
  tags: ['operations', 'store'],
  auth: 'session',
  capability: 'catalog.work.withdraw',
  params: z.object({ publisherId: idSchema, workId: idSchema }),
  target: ({ params }) => ({ publisherId: params.publisherId }),
  // The reason is required: it is kept on the work, and an empty request never stops distribution by accident.
  body: z.strictObject({ reason: z.string().trim().min(3).max(500), graceHours: z.number().int().min(0).max(168).optional() }),
  successStatus: 202,
  output: z.object({
    workId: z.string(),
    status: z.enum(['distributed', 'withdrawn']),
    withdrawnAt: z.string().optional(),
    alreadyWithdrawn: z.boolean(),
    withdrawalId: z.string().optional(),
    licencesEndAt: z.string().optional(),
    cancellable: z.boolean().optional(),
  }),
  errors: ['work_not_found'],
  handler: async ({ params, body, access, services }) => {
    const staff = access.account.accountId;
    const result = await stopDistribution(services, {
      ...params,
      by: staff,
      reason: body.reason,
      ...(body.graceHours !== undefined ? { graceHours: body.graceHours } : {}),
    });
    const w = result.work.withdrawal;
    return accepted({
      workId: result.work.id,
      status: result.work.status,
      withdrawnAt: result.work.withdrawnAt,
      alreadyWithdrawn: result.alreadyWithdrawn,
      ...(w ? { withdrawalId: w.id, licencesEndAt: w.effectiveAt, cancellable: w.state === 'scheduled' } : {}),
    });
  },
});
