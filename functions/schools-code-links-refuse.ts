import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { codeLinkViewSchema, decideCodeLink } from '../shared/schools/index.js';

export default defineHttp({
  name: 'schools-code-links-refuse',
  route: 'schools/{schoolId}/code-links/{requestId}/refuse',
  methods: ['POST'],
  summary:
    "The school's administrator refuses: the sign-in is not its student and gets an account of its own at the next sign-in (ACC-5). Repeating is harmless; after a confirmation 409 code_link_decided.",
  tags: ['schools', 'auth'],
  auth: 'session',
  capability: 'school.codeLinks.review',
  params: z.object({ schoolId: z.string().min(1).max(100), requestId: z.string().min(1).max(500) }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  output: codeLinkViewSchema,
  errors: ['code_link_not_found'],
  handler: async ({ params, principal, services }) =>
    ok(await decideCodeLink(services, { schoolId: params.schoolId, requestId: params.requestId, decision: 'refused', by: principal.accountId })),
});
