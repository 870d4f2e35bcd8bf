/** Statistics without persons (STAT-1, STAT-2, ACL-8): OpiqStat for municipalities and publishers' statistics, suppressed. */
export { statisticsErrors } from './errors.js';
export { municipalityCsv, municipalityQuerySchema, municipalityReportSchema, readMunicipalityReport } from './municipality.js';
export { nationalCsv, nationalQuerySchema, nationalReportSchema, readNationalReport } from './national.js';
export { publisherCsv, publisherQuerySchema, publisherReportSchema, readPublisherReport } from './publisher.js';
