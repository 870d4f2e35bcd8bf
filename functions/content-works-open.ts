import { z } from 'zod';

import { openWork, workIdSchema, workOutlineSchema } from '../shared/content/index.js';
import { defineHttp, ok } from '../shared/http/index.js';

export default defineHttp({
  name: 'content-works-open',
  route: 'works/{workId}',
  methods: ['GET'],
  summary:
    'Opens a work (issue 18): its current published version and table of contents, for a reader whose licence (own or school) covers it now; 403 work_not_licensed otherwise. `withdrawn` (OPS-2): closed for new work. Three Cosmos operations: the session, the entitlement, the work.',
  tags: ['content'],
  auth: 'session',
  capability: 'work.open',
  params: z.object({ workId: workIdSchema }),
  output: workOutlineSchema,
  errors: ['work_not_licensed'],
  handler: async ({ params, principal, services }) => ok(await openWork(services, principal.accountId, params.workId)),
});
