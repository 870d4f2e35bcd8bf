import { z } from 'zod';

import { assistantReportViewSchema, listAnswerReports } from '../shared/assistant/index.js';
import { defineHttp, ok } from '../shared/http/index.js';
import { pagingQuery } from '../shared/platform/paging.js';

/** GPT-1: the operator reviews the reported answers of the OpiqGPT trial (no person in them). */
export default defineHttp({
  name: 'ops-assistant-reports-list',
  route: 'ops/assistant/reports',
  methods: ['GET'],
  summary:
    'Operators review answers of the OpiqGPT trial that users reported as bad (GPT-1), newest first: question, answer, reason, note, language, time; never who reported.',
  tags: ['operations', 'assistant'],
  auth: 'session',
  capability: 'ops.assistant.reports',
  query: z.object(pagingQuery(100)),
  output: z.object({ reports: z.array(assistantReportViewSchema), continuation: z.string().optional() }),
  errors: ['invalid_continuation'],
  handler: async ({ query, services }) => ok(await listAnswerReports(services, query)),
});
