import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { changeRoles, roleChangeSchema, rolesViewSchema } from '../shared/organisations/index.js';

/** ACC-1, ACL-6, ACL-8: CMS roles at a publisher and municipality roles, given and ended by operator administrators. */
export default defineHttp({
  name: 'ops-accounts-roles',
  route: 'ops/accounts/{accountId}/roles',
  methods: ['POST'],
  summary:
    "An operator administrator gives or ends (end: true) a person's CMS role at a publisher (author, editor, designer, technicalEditor) or municipality role (the schools whose aggregate statistics they may see, ACL-8). At once; repeating changes nothing; audited in the person's audit log.",
  tags: ['operations', 'organisations'],
  auth: 'session',
  capability: 'ops.organisations.manage',
  params: z.object({ accountId: z.string().min(1).max(100) }),
  body: roleChangeSchema,
  output: rolesViewSchema,
  errors: ['organisation_publisher_not_found', 'organisation_schools_unknown', 'organisation_own_roles'],
  handler: async ({ params, body, principal, services, correlationId }) =>
    ok(await changeRoles(services, params.accountId, body, { staffAccountId: principal.accountId, correlationId })),
});
