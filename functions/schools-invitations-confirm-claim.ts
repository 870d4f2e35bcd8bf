import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { confirmInvitationClaim, invitableRoles } from '../shared/schools/index.js';

export default defineHttp({
  name: 'schools-invitations-confirm-claim',
  route: 'schools/{schoolId}/invitations/{invitationId}/claims/{accountId}/confirm',
  methods: ['POST'],
  summary:
    "The school's administrator confirms that the person who opened a staff-role invitation without holding the invited address is the one meant (ACC-2): they get the role. The claims are listed on the invitation. Repeating it is harmless.",
  tags: ['schools'],
  auth: 'session',
  capability: 'school.members.manage',
  params: z.object({ schoolId: z.string().min(1).max(100), invitationId: z.string().min(1).max(200), accountId: z.string().min(1).max(100) }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  output: z.object({ schoolId: z.string(), role: z.enum(invitableRoles), classId: z.string().optional(), membershipId: z.string() }),
  errors: ['invitation_not_found', 'invitation_claim_not_found', 'invitation_used'],
  handler: async ({ params, principal, services }) =>
    ok(
      await confirmInvitationClaim(services, {
        schoolId: params.schoolId,
        invitationId: params.invitationId,
        accountId: params.accountId,
        by: principal.accountId,
      }),
    ),
});
