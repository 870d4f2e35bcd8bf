import { defineHttp, ok, responds } from '../shared/http/index.js';
import { municipalityCsv, municipalityQuerySchema, readMunicipalityReport } from '../shared/statistics/index.js';

export default defineHttp({
  name: 'stats-municipality-csv',
  route: 'stats/municipality/usage.csv',
  methods: ['GET'],
  summary:
    'OpiqStat (STAT-1) as a CSV download: the figures of `GET /api/stats/municipality/usage` with the same query, a row per month, work (empty: any work) and school (`all`: the municipality), columns `month,workId,subjects,schoolId,students,seconds,views,interactions,tasksDone`; a suppressed figure is an empty field.',
  tags: ['statistics'],
  auth: 'session',
  capability: 'stats.aggregate.municipality',
  query: municipalityQuerySchema,
  output: responds.file('text/csv'),
  errors: ['forbidden', 'statistics_period_invalid'],
  handler: async ({ query, access, services }) =>
    ok(municipalityCsv(await readMunicipalityReport(services, access.account, query)), {
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="opiqstat.csv"' },
    }),
});
