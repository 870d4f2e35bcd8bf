import { z } from 'zod';

import { accountView, accountViewSchema, personNameSchema, readAccount } from '../shared/accounts/index.js';
import { assertUnderLimit } from '../shared/auth/index.js';
import { defineHttp, ok } from '../shared/http/index.js';
import { personalCodeSchema } from '../shared/personal-codes/index.js';
import { AppError } from '../shared/platform/errors.js';
import { rectifyIdentity } from '../shared/schools/index.js';

/**
 * ACC-5: the school corrects its student's name and personal code (students cannot); every change is recorded. A code
 * the school enters is verified by the school: an eID sign-in with it and the same names links to this student, with
 * other names only once the school confirms. The old code stops linking at once.
 */
export default defineHttp({
  name: 'schools-students-rectify',
  route: 'schools/{schoolId}/students/{accountId}',
  methods: ['PATCH'],
  summary:
    "The school's administrator corrects a student's name or personal code (ACC-5; null removes the code); the change is recorded and the student e-mailed.",
  tags: ['schools'],
  auth: 'session',
  capability: 'school.members.rectify',
  params: z.object({ schoolId: z.string().min(1).max(100), accountId: z.string().min(1).max(100) }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  body: z.strictObject({
    firstName: personNameSchema.optional(),
    lastName: personNameSchema.optional(),
    personalCode: personalCodeSchema().nullable().optional(),
  }),
  output: accountViewSchema,
  errors: ['member_not_found', 'too_many_attempts'],
  handler: async ({ params, body, principal, services }) => {
    // The account's school roles are copied from its active memberships (what access checks read): the student check
    // and the rectification's starting point in one read (issue 11).
    const student = await readAccount(services, params.accountId);
    if (!(student?.schoolRoles ?? []).some((r) => r.role === 'student' && r.schoolId === params.schoolId)) throw new AppError('member_not_found');
    if (body.personalCode !== undefined)
      await assertUnderLimit(services, 'pcode-change', principal.accountId, services.config.SCHOOL_CODE_CHANGES_PER_WINDOW);
    const updated = await rectifyIdentity(
      services,
      {
        accountId: params.accountId,
        by: principal.accountId,
        source: { kind: 'school', schoolId: params.schoolId },
        names: { ...(body.firstName ? { firstName: body.firstName } : {}), ...(body.lastName ? { lastName: body.lastName } : {}) },
        ...(body.personalCode !== undefined
          ? {
              personalCode: body.personalCode && {
                country: body.personalCode.country,
                code: body.personalCode.code,
                birthDate: body.personalCode.birthDate,
              },
            }
          : {}),
      },
      student,
    );
    return ok(accountView(updated));
  },
});
