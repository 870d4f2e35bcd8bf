/** Usage events (LOG-1): record one from any area; the queue function stores it. */
export { recordUsageEvent, storeUsageEvent, type UsageEvent, usageEventSchema, type UsageSubject } from './usage.js';
