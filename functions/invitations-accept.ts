import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { acceptInvitation, invitableRoles } from '../shared/schools/index.js';

export default defineHttp({
  name: 'invitations-accept',
  route: 'invitations/accept',
  methods: ['POST'],
  summary:
    "The signed-in user accepts an invitation (ACC-2): the role is linked to their account at once (200, status accepted). A staff role (teacher, class teacher, administrator) needs the invited address verified on the account; otherwise 202 awaiting-school-confirmation until the school's administrator confirms. A student invitation needs an account of the school's country (403 invitation_wrong_country). Expired, withdrawn or used links answer 410 (invitation_expired, invitation_revoked, invitation_used); an unknown one 400 invitation_invalid. Repeating it is harmless.",
  tags: ['schools'],
  auth: 'session',
  capability: 'invitation.accept',
  body: z.strictObject({ token: z.string().min(1).max(400) }),
  output: z.union([
    z.object({
      status: z.literal('accepted'),
      schoolId: z.string(),
      role: z.enum(invitableRoles),
      classId: z.string().optional(),
      membershipId: z.string(),
    }),
    z.object({ status: z.literal('awaiting-school-confirmation'), schoolId: z.string(), role: z.enum(invitableRoles) }),
  ]),
  // Accepted at once 200; a staff role waiting for the school's confirmation 202.
  otherStatuses: [202],
  errors: ['invitation_expired', 'invitation_invalid', 'invitation_revoked', 'invitation_used', 'invitation_wrong_country'],
  handler: async ({ body, access, services }) => {
    const outcome = await acceptInvitation(services, body.token, access.account);
    return outcome.status === 'accepted' ? ok(outcome) : { status: 202, body: outcome };
  },
});
