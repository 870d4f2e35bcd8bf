import { z } from 'zod';

import { canonicalEmailSchema } from '../shared/auth/index.js';
import { accepted, defineHttp } from '../shared/http/index.js';
import { countLinkRequest, requestByChild } from '../shared/schools/index.js';

export default defineHttp({
  name: 'accounts-parents-request',
  route: 'me/parents',
  methods: ['POST'],
  summary:
    "A student asks to link a parent by the parent's e-mail address (ACC-3). The request goes to the school of the student's first student role and counts only once the school confirms it. The answer is the same whether or not the address has an account.",
  tags: ['family'],
  auth: 'session',
  capability: 'parentLink.request',
  body: z.strictObject({ parentEmail: canonicalEmailSchema }),
  output: z.object({ status: z.literal('requested') }),
  successStatus: 202,
  errors: ['too_many_attempts', 'student_role_required', 'cannot_link_self'],
  handler: async ({ body, access, services }) => {
    // Looking people up by e-mail or personal code is limited, so it cannot be used to probe who has an account.
    const counted = await countLinkRequest(services, access.account);
    await requestByChild(services, counted, body.parentEmail);
    return accepted({ status: 'requested' });
  },
});
