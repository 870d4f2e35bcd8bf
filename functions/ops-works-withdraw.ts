import { z } from 'zod';
import { defineHttp } from '../shared/http/define-http.js';
import { idSchema } from '../shared/store/model.js';
import { stopDistribution } from '../shared/store/withdrawal.js';

export default defineHttp({
  name: 'ops-works-withdraw',
  route: 'ops/publishers/{publisherId}/works/{workId}/withdraw',
  methods: ['POST'],
  summary:
    'The publisher stops distributing a work (OPS-2, STORE-6): it leaves the shop at once; a queued job ends every current licence to it, records the pro-rata refund (Maksekeskus refunds API, or an offset for invoices) and e-mails the buyers. 202; repeating it is harmless.',
  tags: ['operations', 'store'],
  auth: 'session',
  capability: 'catalog.work.withdraw',
  params: z.object({ publisherId: idSchema, workId: idSchema }),
  target: ({ params }) => ({ publisherId: params.publisherId }),
  // The reason is required: it is kept on the work, and an empty request never stops distribution by accident.
  body: z.strictObject({ reason: z.string().trim().min(1).max(500) }),
  successStatus: 202,
  handler: async ({ params, body, access, services }) => {
    const staff = access.account.accountId;
    const result = await stopDistribution(services, { ...params, by: staff, reason: body.reason });
    return { status: 202, body: { workId: result.work.id, status: result.work.status, withdrawnAt: result.work.withdrawnAt, alreadyWithdrawn: result.alreadyWithdrawn } };
  },
});
