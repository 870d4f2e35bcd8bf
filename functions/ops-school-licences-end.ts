import { z } from 'zod';

import { recordStaffAccess } from '../shared/acl/index.js';
import { defineHttp, ok } from '../shared/http/index.js';
import { endSchoolLicence, schoolLicenceView, schoolLicenceViewSchema } from '../shared/store/index.js';

export default defineHttp({
  name: 'ops-school-licences-end',
  route: 'ops/schools/{schoolId}/licences/{licenceId}/end',
  methods: ['POST'],
  summary:
    "An operator administrator ends a school licence at once, with a reason; it leaves every member's entitlement through the queue. Ending it again changes nothing. Audited.",
  tags: ['operations', 'store'],
  auth: 'session',
  capability: 'ops.schoolLicences.manage',
  params: z.object({ schoolId: z.string().min(1).max(100), licenceId: z.string().min(1).max(100) }),
  body: z.strictObject({ reason: z.string().trim().min(3).max(500) }),
  output: schoolLicenceViewSchema,
  errors: [],
  handler: async ({ params, body, principal, services, correlationId }) => {
    const licence = await endSchoolLicence(services, { ...params, by: principal.accountId, reason: body.reason });
    await recordStaffAccess(services, {
      subjectId: params.schoolId,
      staffAccountId: principal.accountId,
      capability: 'ops.schoolLicences.manage',
      correlationId,
      action: `school-licence.end:${licence.id}`,
    });
    return ok(schoolLicenceView(licence));
  },
});
