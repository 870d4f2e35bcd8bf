import { defineHttp, ok } from '../shared/http/index.js';
import { nationalQuerySchema, nationalReportSchema, readNationalReport } from '../shared/statistics/index.js';

export default defineHttp({
  name: 'stats-national',
  route: 'ops/stats/national',
  methods: ['GET'],
  summary:
    "Anonymous statistics for the ministry (STAT-2), exported by the operator's administrators: per month (`from`, `to`: YYYY-MM, at most 12 months; `to` defaults to this month), every work's and chapter's students, seconds, page views and interactions over all publishers (fewer than 5 students: left out), and active students per region (municipality) with the national total, suppressed like OpiqStat. Nothing names a school or a person.",
  tags: ['statistics', 'operations'],
  auth: 'session',
  capability: 'stats.aggregate.national',
  query: nationalQuerySchema,
  output: nationalReportSchema,
  errors: ['statistics_period_invalid'],
  handler: async ({ query, services }) => ok(await readNationalReport(services, query)),
});
