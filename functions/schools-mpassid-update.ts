import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { changeSchool } from '../shared/organisations/index.js';
import { idSchema } from '../shared/store/index.js';

/**
 * OPS-3: the school's administrator decides whether MPASSid's teacher role is trusted at once or waits for their
 * confirmation (it decides who becomes a member, hence school.members.manage). The codes stay with operator staff:
 * a code claims a school.
 */
export default defineHttp({
  name: 'schools-mpassid-update',
  route: 'schools/{schoolId}/mpassid',
  methods: ['PUT'],
  summary:
    "The school's administrator sets whether a teacher signing in with MPASSid gets the role the school's register asserts at once {trustMpassidRoles: true} or only after the administrator confirms (false) (OPS-3). The school's MPASSid codes are set by operator staff. Audited.",
  tags: ['schools'],
  auth: 'session',
  capability: 'school.members.manage',
  params: z.object({ schoolId: idSchema }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  body: z.strictObject({ trustMpassidRoles: z.boolean() }),
  output: z.object({ schoolId: z.string(), trustMpassidRoles: z.boolean(), mpassidSchoolCodes: z.array(z.string()) }),
  errors: ['organisation_school_not_found'],
  handler: async ({ params, body, principal, services, correlationId }) => {
    const school = await changeSchool(
      services,
      params.schoolId,
      { trustMpassidRoles: body.trustMpassidRoles },
      {
        staffAccountId: principal.accountId,
        correlationId,
      },
    );
    return ok({
      schoolId: school.schoolId,
      trustMpassidRoles: school.trustMpassidRoles === true,
      mpassidSchoolCodes: school.mpassidSchoolCodes ?? [],
    });
  },
});
