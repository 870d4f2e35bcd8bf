import { z } from 'zod';

import { accepted, defineHttp } from '../shared/http/index.js';
import { countLinkRequest, requestByParent } from '../shared/schools/index.js';

export default defineHttp({
  name: 'accounts-children-request',
  route: 'me/children',
  methods: ['POST'],
  summary:
    "A parent asks to be linked to a child by the child's personal code (ACC-3; 422 invalid_personal_code when it fails its checksum). The child's school must confirm before it counts. The answer is the same whether or not the code belongs to anyone.",
  tags: ['family'],
  auth: 'session',
  capability: 'parentLink.request',
  body: z.strictObject({ personalCode: z.strictObject({ country: z.enum(['EE', 'FI']), code: z.string().trim().min(1).max(20) }) }),
  output: z.object({ status: z.literal('requested') }),
  successStatus: 202,
  errors: ['too_many_attempts', 'invalid_personal_code', 'cannot_link_self'],
  handler: async ({ body, access, services }) => {
    // Looking people up by e-mail or personal code is limited, so it cannot be used to probe who has an account.
    const counted = await countLinkRequest(services, access.account);
    await requestByParent(services, counted, body.personalCode);
    return accepted({ status: 'requested' });
  },
});
