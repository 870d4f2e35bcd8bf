import { z } from 'zod';
import { defineHttp, ok } from '../shared/http/define-http.js';
import { acceptInvitation } from '../shared/schools/invitations.js';
import { invitableRoles } from '../shared/schools/model.js';

export default defineHttp({
  name: 'invitations-accept',
  route: 'invitations/accept',
  methods: ['POST'],
  summary:
    'The signed-in user accepts an invitation (ACC-2): the role is linked to their account at once. Expired, withdrawn or used links answer 410 (invitation_expired, invitation_revoked, invitation_used); an unknown one 400 invitation_invalid. Repeating it is harmless.',
  tags: ['schools'],
  auth: 'session',
  capability: 'invitation.accept',
  body: z.strictObject({ token: z.string().min(1).max(400) }),
  output: z.object({ schoolId: z.string(), role: z.enum(invitableRoles), classId: z.string().optional(), membershipId: z.string() }),
  handler: async ({ body, access, services }) => ok(await acceptInvitation(services, body.token, access.account)),
});
