import { defineHttp, ok, responds } from '../shared/http/index.js';
import { nationalCsv, nationalQuerySchema, readNationalReport } from '../shared/statistics/index.js';

export default defineHttp({
  name: 'stats-national-csv',
  route: 'ops/stats/national.csv',
  methods: ['GET'],
  summary:
    "The ministry's anonymous statistics (STAT-2) as a CSV download: the figures of `GET /api/ops/stats/national` with the same query, a row per month and figure (`level`: work, chapter, exercise, country, region); a suppressed figure is an empty field.",
  tags: ['statistics', 'operations'],
  auth: 'session',
  capability: 'stats.aggregate.national',
  query: nationalQuerySchema,
  output: responds.file('text/csv'),
  errors: ['statistics_period_invalid'],
  handler: async ({ query, services }) =>
    ok(nationalCsv(await readNationalReport(services, query)), {
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="national-statistics.csv"' },
    }),
});
