import { z } from 'zod';

import { assistantReportSchema, reportAnswer } from '../shared/assistant/index.js';
import { accepted, defineHttp } from '../shared/http/index.js';

/** GPT-1: a user flags a bad answer of the OpiqGPT trial for the operator's review; stored without the person. */
export default defineHttp({
  name: 'assistant-reports-create',
  route: 'assistant/reports',
  methods: ['POST'],
  summary:
    "The OpiqGPT trial (GPT-1): report a bad answer (harmful, inappropriate, wrong, other) with the question and the answer as the client shows them, for the operator's review. The report holds no account, school or device (GPT-2); the same question and answer again is the same report. Counts as a message in the rate limits.",
  tags: ['assistant'],
  auth: 'session',
  capability: 'assistant.use',
  body: assistantReportSchema,
  output: z.object({ id: z.string() }),
  successStatus: 202,
  errors: ['assistant_not_for_role', 'assistant_licence_required', 'assistant_rate_limited'],
  handler: async ({ body, access, services, language }) => accepted(await reportAnswer(services, access.account, body, language)),
});
