import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { pagingQuery } from '../shared/platform/paging.js';
import { codeLinkViewSchema, listCodeLinks } from '../shared/schools/index.js';

export default defineHttp({
  name: 'schools-code-links-list',
  route: 'schools/{schoolId}/code-links',
  methods: ['GET'],
  summary:
    "Sign-ins waiting for the school's confirmation (ACC-5, AUTH-3): an eID sign-in carried the personal code the school entered for a student, but other names. ?status=requested for the ones waiting.",
  tags: ['schools', 'auth'],
  auth: 'session',
  capability: 'school.codeLinks.review',
  params: z.object({ schoolId: z.string().min(1).max(100) }),
  query: z.object({ status: z.enum(['requested', 'confirmed', 'refused']).optional(), ...pagingQuery(100) }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  output: z.object({ codeLinks: z.array(codeLinkViewSchema), continuation: z.string().optional() }),
  errors: [],
  handler: async ({ params, query, services }) => {
    const page = await listCodeLinks(services, params.schoolId, query.status, query);
    return ok({ codeLinks: page.items, ...(page.continuation ? { continuation: page.continuation } : {}) });
  },
});
