import { z } from 'zod';
import { personNameSchema } from '../shared/accounts/names.js';
import { accountView, accountViewSchema } from '../shared/accounts/model.js';
import { assignPersonalCode } from '../shared/auth/identity.js';
import { personalCodeSchema } from '../shared/auth/personal-code.js';
import { defineHttp, ok } from '../shared/http/define-http.js';
import { HttpError } from '../shared/http/errors.js';
import { activeMemberships, rectify } from '../shared/schools/members.js';

/** ACC-5: the school corrects its student's name and personal code (students cannot); every change is recorded. */
export default defineHttp({
  name: 'schools-students-rectify',
  route: 'schools/{schoolId}/students/{accountId}',
  methods: ['PATCH'],
  summary: "The school's administrator corrects a student's name or personal code (ACC-5); the change is recorded.",
  tags: ['schools'],
  auth: 'session',
  capability: 'school.members.rectify',
  params: z.object({ schoolId: z.string().min(1).max(100), accountId: z.string().min(1).max(100) }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  body: z.strictObject({
    firstName: personNameSchema.optional(),
    lastName: personNameSchema.optional(),
    personalCode: personalCodeSchema().optional(),
  }),
  output: accountViewSchema,
  handler: async ({ params, body, principal, services }) => {
    const memberships = await activeMemberships(services, params.schoolId, params.accountId);
    if (!memberships.some((m) => m.role === 'student')) throw new HttpError(404, 'member_not_found');
    if (body.personalCode) await assignPersonalCode(services, params.accountId, body.personalCode);
    const updated = await rectify(services, {
      accountId: params.accountId,
      by: principal.accountId,
      via: `school:${params.schoolId}`,
      changes: {
        ...(body.firstName ? { firstName: body.firstName } : {}),
        ...(body.lastName ? { lastName: body.lastName } : {}),
        ...(body.personalCode ? { personalCode: { country: body.personalCode.country, code: body.personalCode.code }, birthDate: body.personalCode.birthDate } : {}),
      },
    });
    return ok(accountView(updated));
  },
});
