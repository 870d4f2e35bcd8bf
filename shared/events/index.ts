/** Usage events (LOG-1): record one from any area; the front end posts batches; the queue function stores them. */
export { acceptUsageBatch, eventBatchSchema, MAX_BATCH_BYTES, usageBatchMessageSchema } from './batches.js';
export { eventsErrors } from './errors.js';
export { recordUsageBatch } from './record.js';
export { recordTaskDone } from './tasks.js';
export { recordUsageEvent, storeUsageEvent, type UsageEvent, usageEventSchema, type UsageSubject } from './usage.js';
/** The anonymous aggregates' documents and partitions, read by statistics (STAT-1, STAT-2). */
export { type DailyCellDoc, type MonthCountsDoc, type MonthlyCellDoc, publisherScope, schoolScope } from './aggregates.js';
export type { EnrolmentDoc } from './enrolment.js';
