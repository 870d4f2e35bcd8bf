import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { pagingQuery } from '../shared/platform/paging.js';
import { invitationViewSchema, listInvitations } from '../shared/schools/index.js';

export default defineHttp({
  name: 'schools-invitations-list',
  route: 'schools/{schoolId}/invitations',
  methods: ['GET'],
  summary: "The school's invitations, newest first (ACC-2): administrators see all, teachers the ones they sent. One single-partition query.",
  tags: ['schools'],
  auth: 'session',
  capability: 'school.invitations.manage',
  params: z.object({ schoolId: z.string().min(1).max(100) }),
  query: z.object({ status: z.enum(['pending', 'accepted', 'revoked', 'expired']).optional(), ...pagingQuery(100) }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  output: z.object({ invitations: z.array(invitationViewSchema), continuation: z.string().optional() }),
  errors: [],
  handler: async ({ params, query, principal, access, services }) => {
    const page = await listInvitations(services, params.schoolId, principal.accountId, access.grants, query.status, query);
    return ok({ invitations: page.items, ...(page.continuation ? { continuation: page.continuation } : {}) });
  },
});
