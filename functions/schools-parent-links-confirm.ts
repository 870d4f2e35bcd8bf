import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { confirmLink, parentLinkViewSchema } from '../shared/schools/index.js';

export default defineHttp({
  name: 'schools-parent-links-confirm',
  route: 'schools/{schoolId}/parent-links/{linkId}/confirm',
  methods: ['POST'],
  summary:
    "The school's administrator confirms a requested parent link (ACC-3): from now on it counts; the parent is told by e-mail and sees the child's data once the child's side of the link is written, moments later (queued). Only requested -> confirmed; anything else is 409 parent_link_transition.",
  tags: ['schools', 'family'],
  auth: 'session',
  capability: 'school.parentLinks.review',
  params: z.object({ schoolId: z.string().min(1).max(100), linkId: z.string().min(1).max(300) }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  output: parentLinkViewSchema,
  errors: ['parent_link_not_found', 'parent_link_transition'],
  handler: async ({ params, principal, services }) => ok(await confirmLink(services, params.schoolId, params.linkId, principal.accountId)),
});
