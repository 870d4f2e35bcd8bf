import type { AggregateEvent, WorkFacts } from './aggregates.js';

/**
 * What the aggregates take of a posted batch (LOG-1, STAT-1, STAT-2): the browser chooses every field, so a batch
 * counts only what a reader could have done. Nothing here refuses a batch (a long-open tab is not an attacker): the
 * excess is left out of the counts, and the person's identifiable record keeps the batch as it was sent.
 */

/** A page in view longer than this is a tab left open: it counts this long. */
export const MAX_VIEW_SECONDS = 30 * 60;

/**
 * The batch's events as the aggregates count them: only those in works the caller could open (or in none), a chapter the work does not have (in the catalogue's outline of
 * its current version) is counted under the work without a chapter, and page-view seconds are bounded (see
 * `boundSeconds`).
 */
export function countableEvents<E extends AggregateEvent>(
  events: readonly E[],
  works: ReadonlyMap<string, WorkFacts>,
  /** The works the caller could open (UsageBatchMessage.openWorks); undefined: the server made the batch. */
  openWorks?: readonly string[],
): E[] {
  const open = openWorks && new Set(openWorks);
  const opened = open ? events.filter((event) => event.workId === undefined || open.has(event.workId)) : events;
  return boundSeconds(opened.map((event) => withKnownChapter(event, works)));
}

function withKnownChapter<E extends AggregateEvent>(event: E, works: ReadonlyMap<string, WorkFacts>): E {
  if (event.kind === 'task-done' || event.chapterId === undefined) return event;
  const chapters = event.workId === undefined ? undefined : works.get(event.workId)?.chapterIds;
  if (chapters?.has(event.chapterId)) return event;
  const { chapterId: _unknown, ...rest } = event;
  return rest as E;
}

/**
 * Each page view at most MAX_VIEW_SECONDS, and the batch's views together at most the wall-clock time the batch spans
 * (its first to its last event) plus one view's bound: one person reads one page at a time. Seconds past that are
 * dropped in event order; the views still count.
 */
export function boundSeconds<E extends AggregateEvent>(events: readonly E[]): E[] {
  const times = events.map((e) => Date.parse(e.at));
  const spanSeconds = events.length === 0 ? 0 : Math.floor((Math.max(...times) - Math.min(...times)) / 1000);
  let left = spanSeconds + MAX_VIEW_SECONDS;
  return events.map((event) => {
    if (event.kind !== 'page-view') return event;
    const seconds = Math.min(event.seconds, MAX_VIEW_SECONDS, left);
    left -= seconds;
    return seconds === event.seconds ? event : { ...event, seconds };
  });
}
