import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { endLink, endLinkTarget, parentLinkViewSchema } from '../shared/schools/index.js';

export default defineHttp({
  name: 'schools-parent-links-end',
  route: 'schools/{schoolId}/parent-links/{linkId}/end',
  methods: ['POST'],
  summary:
    "Ends a confirmed parent link (ACC-3, ACC-4): the parent, the child or the school's administrator. The parent's access ends with this request. Only confirmed -> ended; anything else is 409 parent_link_transition.",
  tags: ['schools', 'family'],
  auth: 'session',
  capability: 'parentLink.end',
  params: z.object({ schoolId: z.string().min(1).max(100), linkId: z.string().min(1).max(300) }),
  // A party to the link gets the `own` grant, the school's administrator `ownSchool`; anyone else is refused here.
  target: ({ params, principal }) => endLinkTarget(params.linkId, params.schoolId, principal?.accountId),
  output: parentLinkViewSchema,
  errors: ['parent_link_not_found', 'parent_link_transition'],
  handler: async ({ params, principal, access, services }) =>
    ok(await endLink(services, params.schoolId, params.linkId, principal.accountId, access.grants)),
});
