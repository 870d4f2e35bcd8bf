import { defineHttp, ok } from '../shared/http/index.js';
import { municipalityQuerySchema, municipalityReportSchema, readMunicipalityReport } from '../shared/statistics/index.js';

export default defineHttp({
  name: 'stats-municipality',
  route: 'stats/municipality/usage',
  methods: ['GET'],
  summary:
    "OpiqStat (STAT-1, ACL-8): a municipality official's usage figures of the schools operator staff listed for them, month by month (`from`, `to`: YYYY-MM, at most 12 months; `to` defaults to this month, `from` to `to`): active students per school, and per work the students, seconds, page views, interactions and tasks done (submitted answers) per school and over the municipality (a person of two of its schools counted once there). Never a row about a person; a figure of fewer than 5 students, or leaving out fewer than 5 of a school's students, is null, and so are the figures that would let it be worked out from a total. Filters (`schoolId`, `workId`, `subject`) pick from the same suppressed figures. Another municipality's school is 403.",
  tags: ['statistics'],
  auth: 'session',
  capability: 'stats.aggregate.municipality',
  query: municipalityQuerySchema,
  output: municipalityReportSchema,
  errors: ['forbidden', 'statistics_period_invalid'],
  handler: async ({ query, access, services }) => ok(await readMunicipalityReport(services, access.account, query)),
});
