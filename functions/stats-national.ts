import { defineHttp, ok } from '../shared/http/index.js';
import { nationalQuerySchema, nationalReportSchema, readNationalReport } from '../shared/statistics/index.js';

export default defineHttp({
  name: 'stats-national',
  route: 'ops/stats/national',
  methods: ['GET'],
  summary:
    "Anonymous statistics for the ministry (STAT-2), exported by the operator's administrators: per month (`from`, `to`: YYYY-MM, at most 12 months; `to` defaults to this month), every work's students, seconds, page views, interactions and tasks done, its chapters' and its exercises' (students who answered, answers) over all publishers (fewer than 5 students: left out), and per country the active students per region (the municipality, in Estonia and Finland) with the country's total (a person of two schools or regions once), suppressed like OpiqStat. Nothing names a school or a person. CSV: `GET /api/ops/stats/national.csv`.",
  tags: ['statistics', 'operations'],
  auth: 'session',
  capability: 'stats.aggregate.national',
  query: nationalQuerySchema,
  output: nationalReportSchema,
  errors: ['statistics_period_invalid'],
  handler: async ({ query, services }) => ok(await readNationalReport(services, query)),
});
