import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { commentCase, opsCaseViewSchema } from '../shared/schools/index.js';

export default defineHttp({
  name: 'schools-cases-comment',
  route: 'schools/{schoolId}/cases/{caseId}/comments',
  methods: ['POST'],
  summary:
    "The school's administrator comments on a suspension or restriction of one of its people (OPS-1: the operator decides together with the school); the operator sees it on the account.",
  tags: ['schools', 'operations'],
  auth: 'session',
  capability: 'school.cases.review',
  params: z.object({ schoolId: z.string().min(1).max(100), caseId: z.string().min(1).max(200) }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  body: z.strictObject({ text: z.string().trim().min(1).max(2000) }),
  output: opsCaseViewSchema,
  errors: ['case_not_found'],
  handler: async ({ params, body, principal, services }) =>
    ok(await commentCase(services, { schoolId: params.schoolId, caseId: params.caseId, by: principal.accountId, text: body.text })),
});
