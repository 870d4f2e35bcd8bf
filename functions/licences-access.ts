import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { entitlementId, idSchema, mayOpenWork } from '../shared/store/index.js';

export default defineHttp({
  name: 'licences-access',
  route: 'licences/works/{workId}/access',
  methods: ['GET'],
  summary:
    'The entitlement check (STORE-4): may the signed-in user open this work now (by a licence of their own or of their school), and until when. One Cosmos point read besides the session, made in the same request as the read that authenticates.',
  tags: ['store'],
  auth: 'session',
  capability: 'self.read',
  params: z.object({ workId: idSchema }),
  // The hottest route: the entitlement comes with the account that authenticates, in one round trip (issue 11).
  readWithAccount: ({ workId }) => [entitlementId(workId)],
  output: z.object({ allowed: z.boolean(), until: z.string().optional() }),
  errors: [],
  handler: async ({ params, principal, services, ownDocuments }) =>
    ok(await mayOpenWork(services, principal.accountId, params.workId, services.clock.now(), ownDocuments)),
});
