import { z } from 'zod';
import { defineHttp } from '../shared/http/define-http.js';
import { requestByParent } from '../shared/schools/parent-links.js';

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
  handler: async ({ body, access, services }) => {
    await requestByParent(services, access.account, body.personalCode);
    return { status: 202, body: { status: 'requested' } };
  },
});
