import { z } from 'zod';

import { defineHttp, noContent, responds } from '../shared/http/index.js';
import { revokeInvitation } from '../shared/schools/index.js';

export default defineHttp({
  name: 'schools-invitations-revoke',
  route: 'schools/{schoolId}/invitations/{invitationId}',
  methods: ['DELETE'],
  summary: "Withdraws an invitation that has not been accepted (ACC-2): the school's administrator or whoever sent it. Repeating it is harmless.",
  tags: ['schools'],
  auth: 'session',
  capability: 'school.invitations.manage',
  params: z.object({ schoolId: z.string().min(1).max(100), invitationId: z.string().min(1).max(200) }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  output: responds.noContent,
  errors: ['invitation_not_found', 'invitation_closed'],
  handler: async ({ params, principal, access, services }) => {
    await revokeInvitation(services, params.schoolId, params.invitationId, principal.accountId, access.grants);
    return noContent();
  },
});
