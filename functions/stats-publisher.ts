import { z } from 'zod';

import { publisherIdSchema } from '../shared/content/index.js';
import { defineHttp, ok } from '../shared/http/index.js';
import { publisherQuerySchema, publisherReportSchema, readPublisherReport } from '../shared/statistics/index.js';

export default defineHttp({
  name: 'stats-publisher',
  route: 'stats/publishers/{publisherId}/usage',
  methods: ['GET'],
  summary:
    "Anonymous statistics for a publisher (STAT-2), its own works only: per month (`from`, `to`: YYYY-MM, at most 12 months; `to` defaults to this month, `from` to `to`), work and chapter the students, seconds, page views and interactions, per work the tasks done (submitted answers), and per exercise the students who answered it in a submitted task and their answers. Nothing names a school or a person; a work, chapter or exercise with fewer than 5 students is left out, and so are chapters and exercises whose figures would tell a left-out one's. Optional `workId`.",
  tags: ['statistics'],
  auth: 'session',
  capability: 'stats.aggregate.publisher',
  params: z.object({ publisherId: publisherIdSchema }),
  target: ({ params }) => ({ publisherId: params.publisherId }),
  query: publisherQuerySchema,
  output: publisherReportSchema,
  errors: ['statistics_period_invalid'],
  handler: async ({ params, query, services }) => ok(await readPublisherReport(services, params.publisherId, query)),
});
