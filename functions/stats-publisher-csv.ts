import { z } from 'zod';

import { publisherIdSchema } from '../shared/content/index.js';
import { defineHttp, ok, responds } from '../shared/http/index.js';
import { publisherCsv, publisherQuerySchema, readPublisherReport } from '../shared/statistics/index.js';

export default defineHttp({
  name: 'stats-publisher-csv',
  route: 'stats/publishers/{publisherId}/usage.csv',
  methods: ['GET'],
  summary:
    "A publisher's anonymous statistics (STAT-2) as a CSV download: the rows of `GET /api/stats/publishers/{publisherId}/usage`, a row per month, work, chapter and exercise (both empty: the whole work), columns `month,workId,chapterId,exerciseId,students,seconds,views,interactions,tasksDone` (an exercise's `tasksDone`: its answers).",
  tags: ['statistics'],
  auth: 'session',
  capability: 'stats.aggregate.publisher',
  params: z.object({ publisherId: publisherIdSchema }),
  target: ({ params }) => ({ publisherId: params.publisherId }),
  query: publisherQuerySchema,
  output: responds.file('text/csv'),
  errors: ['statistics_period_invalid'],
  handler: async ({ params, query, services }) =>
    ok(publisherCsv(await readPublisherReport(services, params.publisherId, query)), {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="statistics.csv"',
      },
    }),
});
