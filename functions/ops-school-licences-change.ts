import { z } from 'zod';

import { recordStaffAccess } from '../shared/acl/index.js';
import { defineHttp, ok } from '../shared/http/index.js';
import { changeSchoolLicence, licenceChangeSchema, schoolLicenceView, schoolLicenceViewSchema } from '../shared/store/index.js';

export default defineHttp({
  name: 'ops-school-licences-change',
  route: 'ops/schools/{schoolId}/licences/{licenceId}',
  methods: ['PATCH'],
  summary:
    "An operator administrator changes an active school licence's period, audience, seats (null: no limit) or reference; every member's entitlement follows through the queue. The same change again changes nothing. Audited.",
  tags: ['operations', 'store'],
  auth: 'session',
  capability: 'ops.schoolLicences.manage',
  params: z.object({ schoolId: z.string().min(1).max(100), licenceId: z.string().min(1).max(100) }),
  body: licenceChangeSchema,
  output: schoolLicenceViewSchema,
  errors: ['school_licence_ended'],
  handler: async ({ params, body, principal, services, correlationId }) => {
    const licence = await changeSchoolLicence(services, { ...params, by: principal.accountId, change: body });
    await recordStaffAccess(services, {
      subjectId: params.schoolId,
      staffAccountId: principal.accountId,
      capability: 'ops.schoolLicences.manage',
      correlationId,
      action: `school-licence.change:${licence.id}:${licence.revision}`,
    });
    return ok(schoolLicenceView(licence));
  },
});
