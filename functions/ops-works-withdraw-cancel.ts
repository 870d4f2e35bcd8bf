import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { cancelWithdrawal, idSchema } from '../shared/store/index.js';

export default defineHttp({
  name: 'ops-works-withdraw-cancel',
  route: 'ops/publishers/{publisherId}/works/{workId}/withdraw/cancel',
  methods: ['POST'],
  summary:
    "Takes a withdrawal back before its job has started (OPS-2): the work returns to the shop and no licence ends. Once the job runs, 409 withdrawal_in_progress. Same people as the withdrawal: the publisher's editors or support staff.",
  tags: ['operations', 'store'],
  auth: 'session',
  capability: 'catalog.work.withdraw',
  params: z.object({ publisherId: idSchema, workId: idSchema }),
  target: ({ params }) => ({ publisherId: params.publisherId }),
  output: z.object({ workId: z.string(), status: z.enum(['distributed', 'withdrawn']) }),
  errors: ['work_not_found', 'withdrawal_in_progress'],
  handler: async ({ params, access, services }) => {
    const work = await cancelWithdrawal(services, { ...params, by: access.account.accountId });
    return ok({ workId: work.id, status: work.status });
  },
});
