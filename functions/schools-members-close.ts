import { z } from 'zod';

import { requestClient } from '../shared/auth/index.js';
import { closeMemberAccount, closureViewSchema } from '../shared/consents/index.js';
import { defineHttp, ok } from '../shared/http/index.js';

export default defineHttp({
  name: 'schools-members-close',
  route: 'schools/{schoolId}/members/{accountId}/close-account',
  methods: ['POST'],
  summary:
    "The school's administrator closes the account of a person of their school (PRIV-8: school users' accounts are closed by the school's authorised person). Sessions and ways to sign in end at once. 404 member_not_found for someone not of this school; 409 account_in_other_school when another school holds them too. Closing again answers the same.",
  tags: ['schools'],
  auth: 'session',
  capability: 'school.members.manage',
  params: z.object({ schoolId: z.string().min(1).max(100), accountId: z.string().min(1).max(100) }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  body: z.strictObject({ confirm: z.literal(true) }),
  output: closureViewSchema,
  errors: ['member_not_found', 'account_in_other_school', 'cannot_act_on_self'],
  handler: async ({ params, principal, services, request }) =>
    ok(await closeMemberAccount(services, { ...params, actor: principal.accountId }, requestClient(request, services.config))),
});
