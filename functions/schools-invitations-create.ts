import { z } from 'zod';

import { assertUnderLimit, canonicalEmailSchema } from '../shared/auth/index.js';
import { defineHttp } from '../shared/http/index.js';
import { createInvitation, invitableRoles, invitationViewSchema } from '../shared/schools/index.js';

/** Invitations one person may send within the throttle window (15 minutes). */
const INVITATIONS_PER_WINDOW = 200;

/** ACC-2: a school administrator invites into any role, a teacher invites students; the link goes by e-mail. */
export default defineHttp({
  name: 'schools-invitations-create',
  route: 'schools/{schoolId}/invitations',
  methods: ['POST'],
  summary:
    "Invites an e-mail address into a role in the caller's school (ACC-2): administrators any role, teachers students only. The link (valid 14 days) is e-mailed; the token is stored only as a hash. With an Idempotency-Key a repeat answers the same invitation and sends no second e-mail.",
  tags: ['schools'],
  auth: 'session',
  idempotencyKey: true,
  capability: 'school.invitations.manage',
  params: z.object({ schoolId: z.string().min(1).max(100) }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  body: z
    .strictObject({
      email: canonicalEmailSchema,
      role: z.enum(invitableRoles),
      classId: z.string().min(1).max(100).optional(),
      subjects: z.array(z.string().trim().min(1).max(60)).max(20).optional(),
      language: z.enum(['et', 'fi', 'en']).optional(),
    })
    .refine((b) => !b.classId || b.role === 'student' || b.role === 'classTeacher', {
      path: ['classId'],
      message: 'only students and class teachers have a class',
    }),
  output: invitationViewSchema,
  successStatus: 201,
  errors: ['class_required', 'invitation_role_not_allowed', 'class_not_found', 'idempotency_key_reused'],
  handler: async ({ params, body, access, services, idempotencyKey }) => {
    // Per-person limit on what one account can make the store hold and e-mail out (issue 9): a class at a time fits.
    await assertUnderLimit(services, 'invitations', access.account.accountId, INVITATIONS_PER_WINDOW);
    const invitation = await createInvitation(services, { schoolId: params.schoolId, ...body }, access.account, access.grants, idempotencyKey);
    return { status: 201, body: invitation };
  },
});
