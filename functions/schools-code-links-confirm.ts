import { z } from 'zod';

import { recordSecurityEvent, requestClient } from '../shared/auth/index.js';
import { defineHttp, ok } from '../shared/http/index.js';
import { codeLinkViewSchema, decideCodeLink } from '../shared/schools/index.js';

export default defineHttp({
  name: 'schools-code-links-confirm',
  route: 'schools/{schoolId}/code-links/{requestId}/confirm',
  methods: ['POST'],
  summary:
    "The school's administrator confirms that the eID sign-in is its student (ACC-5): the login is linked to the student's account and the student e-mailed. Repeating is harmless; after a refusal 409 code_link_decided.",
  tags: ['schools', 'auth'],
  auth: 'session',
  capability: 'school.codeLinks.review',
  params: z.object({ schoolId: z.string().min(1).max(100), requestId: z.string().min(1).max(500) }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  output: codeLinkViewSchema,
  errors: ['code_link_not_found', 'code_link_decided'],
  handler: async ({ params, principal, services, request }) => {
    const decided = await decideCodeLink(services, {
      schoolId: params.schoolId,
      requestId: params.requestId,
      decision: 'confirmed',
      by: principal.accountId,
    });
    // AUTH-4: the link is in the student's security log like any other.
    await recordSecurityEvent(services, {
      name: 'login-linked',
      accountId: decided.accountId,
      method: decided.provider,
      reason: 'school-confirmed',
      client: requestClient(request, services.config),
    });
    return ok(decided);
  },
});
