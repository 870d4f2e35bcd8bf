import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { changeSchool, schoolChangeSchema, schoolView, schoolViewSchema } from '../shared/organisations/index.js';

/** ACC-1: an operator administrator changes a school's name, country, registry code or municipality; audited. */
export default defineHttp({
  name: 'ops-schools-update',
  route: 'ops/schools/{schoolId}',
  methods: ['PATCH'],
  summary:
    "An operator administrator changes a school's name, country, registry code or municipality (null removes it) (ACC-1), or its MPASSid school codes and whether MPASSid's teacher role is trusted without the administrator's confirmation (OPS-3); a code another school lists is 409 organisation_mpassid_code_taken. Audited.",
  tags: ['operations', 'organisations'],
  auth: 'session',
  capability: 'ops.organisations.manage',
  params: z.object({ schoolId: z.string().min(1).max(100) }),
  body: schoolChangeSchema,
  output: schoolViewSchema,
  errors: ['organisation_mpassid_code_taken', 'organisation_school_not_found'],
  handler: async ({ params, body, principal, services, correlationId }) =>
    ok(schoolView(await changeSchool(services, params.schoolId, body, { staffAccountId: principal.accountId, correlationId }))),
});
