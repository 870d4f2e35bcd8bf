import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DailyCellDoc, MonthlyCellDoc } from '../shared/events/aggregates.js';
import { batchKeyOf, keyedHash } from '../shared/events/batches.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import type { Doc } from '../shared/platform/cosmos.js';
import { license } from './learning-fixtures.js';

/**
 * Issue 14 item 1: usage events from the front end (LOG-1) through POST /api/events, the usage-events queue and the
 * events-record function into the person's identifiable record (RET-7) and the anonymous aggregates, on a host of
 * this file's own (a low rate limit, an edge country header, a clock it moves).
 */
const A = demo.accounts;
const EE_SCHOOL = demo.schools.ee;
const WORK = 'work-ee-math-5';
const LIMIT = 300;
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

let host: LocalHost;
beforeAll(async () => {
  host = await startLocalHost({
    port: 0,
    sweepIntervalMs: 0,
    identityStandIns: false,
    maksekeskusStandIn: false,
    redeliveryDelayMs: 5,
    env: { USAGE_EVENTS_PER_MINUTE: String(LIMIT), EDGE_COUNTRY_HEADER: 'x-edge-country' },
  });
});
afterAll(async () => host?.close());
// Both students read the work with a licence (usage in a work counts only then: see the last describe).
beforeAll(async () => {
  for (const student of [A.eeStudent, A.eeStudent2]) await license(host, student, WORK);
});

const tokenOf = async (accountId: string) => {
  const r = await fetch(`${host.url}/_local/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accountId }),
  });
  return ((await r.json()) as { accessToken: string }).accessToken;
};

async function post(batch: unknown, token?: string, extraHeaders: Record<string, string> = {}) {
  const response = await fetch(`${host.url}/api/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': CHROME,
      'x-edge-country': 'ee',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...extraHeaders,
    },
    body: typeof batch === 'string' ? batch : JSON.stringify(batch),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const now = () => host.clock.now().toISOString();
const pageView = (chapterId: string, seconds: number) => ({ kind: 'page-view', at: now(), workId: WORK, chapterId, pageId: 'p-1', seconds });
const search = () => ({ kind: 'search', at: now(), scope: 'work', workId: WORK, words: 2, characters: 11, hits: 4 });
const interaction = () => ({ kind: 'interaction', at: now(), workId: WORK, chapterId: 'ch-1', component: 'exercise', action: 'answer' });
const batchOf = (...events: unknown[]) => ({ batchId: randomUUID(), events });

const usage = () => host.services.db.collection('stats');
const day = () => now().slice(0, 10);
const month = () => now().slice(0, 7);
const schoolDaily = async () => usage().read<DailyCellDoc>(`d|${day()}|${EE_SCHOOL}|student|${WORK}`, 'm:Tallinn');
const publisherDaily = async (chapter: string, country = 'EE') =>
  usage().read<DailyCellDoc>(`d|${day()}|${WORK}|${chapter}|${country}`, `p:${demo.publishers.ee}`);
const schoolPeople = async (level = `w|${WORK}`) =>
  (await usage().read<MonthlyCellDoc>(`m|${month()}|${EE_SCHOOL}|student|${level}`, 'm:Tallinn'))?.people ?? 0;
const publisherPeople = async () => (await usage().read<MonthlyCellDoc>(`m|${month()}|w|${WORK}`, `p:${demo.publishers.ee}`))?.people ?? 0;
/** Anonymous callers are told apart by their address: the local host's front end appends the connection's. */
const ANONYMOUS_CALLER = 'address:127.0.0.1';
/** A batch's record (`b:<key>`): its key is scoped to the caller, the account or (not signed in) the client address. */
const recordIdOf = (batchId: string, caller: string) => `b:${batchKeyOf(host.services.config, batchId, caller)}`;
const recordOf = async (batchId: string, caller: string) => usage().read(recordIdOf(batchId, caller), recordIdOf(batchId, caller));
const views = async () => (await schoolDaily())?.views ?? 0;
const batchesOf = (accountId: string) =>
  host.services.db.collection('events').queryAll<{ batchId: string; events: unknown[]; browser?: string; country?: string }>(accountId, {
    where: "c.type = 'usage-batch-events'",
  });

describe('usage events (LOG-1, RET-7, PRIV-4)', () => {
  it('LOG-1: the front end posts a batch; events land identifiable and in the aggregates', async () => {
    const token = await tokenOf(A.eeStudent);
    const [viewsBefore, secondsBefore, peopleBefore, chapterBefore] = [
      await views(),
      (await schoolDaily())?.seconds ?? 0,
      await schoolPeople(),
      (await publisherDaily('ch-1'))?.views ?? 0,
    ];
    const batch = batchOf(pageView('ch-1', 30), pageView('ch-1', 45), pageView('ch-2', 12), search(), interaction());
    const answer = await post(batch, token);
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    expect(answer.body).toEqual({ batchId: batch.batchId, accepted: 5 });
    await host.bus.idle();

    const stored = (await batchesOf(A.eeStudent)).find((b) => b.batchId === batch.batchId);
    expect(stored).toMatchObject({ events: batch.events, browser: 'Chrome 131 (Windows)', country: 'EE' });
    expect(await recordOf(batch.batchId, `account:${A.eeStudent}`)).toMatchObject({ recorded: 'identifiable', events: 5 });
    const eventsDoc = await host.services.db.collection('events').read<Doc & { ttl: number }>(`batch:${batch.batchId}`, A.eeStudent);
    expect(eventsDoc?.ttl, 'kept 5 years (RET-7)').toBe(1826 * 86_400);

    const school = (await schoolDaily())!;
    expect(school.views - viewsBefore).toBe(3);
    expect(school.seconds - secondsBefore).toBe(87);
    expect(school).toMatchObject({ municipality: 'Tallinn', schoolId: EE_SCHOOL, group: 'student', subjects: ['mathematics'] });
    expect((await publisherDaily('ch-1'))!.views - chapterBefore).toBe(2);
    expect(await schoolPeople()).toBe(peopleBefore === 0 ? 1 : peopleBefore);
    expect(await schoolPeople('all')).toBeGreaterThanOrEqual(1);
    expect(await publisherPeople()).toBeGreaterThanOrEqual(1);

    // The same person again this month: more views, not another person.
    const peopleNow = [await schoolPeople(), await publisherPeople()];
    expect((await post(batchOf(pageView('ch-1', 5)), token)).status).toBe(202);
    await host.bus.idle();
    expect(await views()).toBe(school.views + 1);
    expect([await schoolPeople(), await publisherPeople()]).toEqual(peopleNow);

    // Nothing in the aggregates names the person: no id, no name, no e-mail.
    const all = await usage().queryAll<Record<string, unknown>>('m:Tallinn', {});
    const text = JSON.stringify(all) + JSON.stringify(await usage().queryAll(`p:${demo.publishers.ee}`, {}));
    for (const personal of [A.eeStudent, 'Mihkel', 'mihkel.saar', batch.batchId]) expect(text).not.toContain(personal);
  });

  it("PRIV-4: a restricted person's events land only as anonymous counts", async () => {
    const token = await tokenOf(A.eeStudent2);
    const choice = { restricted: true, objections: { usageAnalytics: false, outcomeKeeping: false, directMarketing: false } };
    const restricted = await fetch(`${host.url}/api/me/privacy/processing`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(choice),
    });
    expect(restricted.status).toBe(200);
    await host.bus.idle();
    const [viewsBefore, peopleBefore, allBefore, publisherBefore] = [
      await views(),
      await schoolPeople(),
      await schoolPeople('all'),
      await publisherPeople(),
    ];
    const batchesBefore = (await batchesOf(A.eeStudent2)).length;

    const batch = batchOf(pageView('ch-3', 20), pageView('ch-3', 20));
    expect((await post(batch, token)).status).toBe(202);
    await host.bus.idle();

    expect(await views(), 'counted anonymously').toBe(viewsBefore + 2);
    expect([await schoolPeople(), await schoolPeople('all'), await publisherPeople()], 'not among the distinct people').toEqual([
      peopleBefore,
      allBefore,
      publisherBefore,
    ]);
    expect(await batchesOf(A.eeStudent2), 'nothing identifiable').toHaveLength(batchesBefore);
    const marker = `u:${keyedHash(host.services.config, 'person-month', `${A.eeStudent2}|${month()}`)}`;
    expect(await usage().read(marker, marker), 'no person-month marker').toBeUndefined();
    expect(await recordOf(batch.batchId, `account:${A.eeStudent2}`)).toMatchObject({ recorded: 'counts-only' });
  });

  it('LOG-1: a search the server records (catalogue search) is counted in the aggregates too, once', async () => {
    const token = await tokenOf(A.eeStudent);
    const searchesOutsideWorks = async () => (await usage().read<DailyCellDoc>(`d|${day()}|${EE_SCHOOL}|student|-`, 'm:Tallinn'))?.searches ?? 0;
    const before = await searchesOutsideWorks();
    const found = await fetch(`${host.url}/api/catalog/search?q=matem`, { headers: { authorization: `Bearer ${token}` } });
    expect(found.status).toBe(200);
    await host.bus.idle();
    expect(await searchesOutsideWorks()).toBe(before + 1);
    const cell = JSON.stringify(await usage().read(`d|${day()}|${EE_SCHOOL}|student|-`, 'm:Tallinn'));
    expect(cell).not.toContain('matem');
  });

  it('LOG-1: anonymous users (not signed in) are recorded without identifiers, and count in no work (none is open to them)', async () => {
    const before = (await publisherDaily('ch-9', 'FI'))?.views ?? 0;
    const batch = batchOf(pageView('ch-9', 10), pageView('ch-9', 10), pageView('ch-9', 10));
    expect((await post(batch, undefined, { 'x-edge-country': 'FI' })).status).toBe(202);
    await host.bus.idle();
    expect((await publisherDaily('ch-9', 'FI'))?.views ?? 0).toBe(before);
    expect(await recordOf(batch.batchId, ANONYMOUS_CALLER)).toMatchObject({ recorded: 'anonymous' });
    const stored = await host.services.db.collection('events').queryAll<{ batchId?: string }>('anonymous', {});
    expect(stored.filter((d) => d.batchId === batch.batchId)).toEqual([]);
  });

  it('LOG-1: a batch resent or redelivered is counted once, also after a partial failure', async () => {
    const token = await tokenOf(A.eeStudent);
    const batch = batchOf(pageView('ch-1', 7), pageView('ch-2', 8));
    const before = await views();
    for (let i = 0; i < 3; i++) expect((await post(batch, token)).status).toBe(202);
    await host.bus.idle();
    expect(await views()).toBe(before + 2);

    // Past Service Bus's duplicate-detection window the batch record drops it.
    const message = {
      batchId: batch.batchId,
      batchKey: batchKeyOf(host.services.config, batch.batchId, `account:${A.eeStudent}`),
      receivedAt: now(),
      recording: 'identifiable',
      accountId: A.eeStudent,
      schools: [{ schoolId: EE_SCHOOL, group: 'student' }],
      events: batch.events,
    };
    await host.bus.send('usage-events', { body: message, messageId: `later:${randomUUID()}` });
    await host.bus.idle();
    expect(await views()).toBe(before + 2);

    // A delivery that failed after the cells were written but before the batch record: the cells know the batch.
    const recordId = recordIdOf(batch.batchId, `account:${A.eeStudent}`);
    expect(await usage().delete(recordId, recordId), 'the record was there').toBe(true);
    await host.bus.send('usage-events', { body: message, messageId: `redelivered:${randomUUID()}` });
    await host.bus.idle();
    expect(await views()).toBe(before + 2);
    expect((await batchesOf(A.eeStudent)).filter((b) => b.batchId === batch.batchId)).toHaveLength(1);
  });

  it('LOG-1: a batch redelivered after 100 later batches on the same cell is still counted once (a marker per batch and cell)', async () => {
    const token = await tokenOf(A.eeStudent);
    const before = await views();
    const first = batchOf(pageView('ch-1', 3), pageView('ch-1', 3));
    expect((await post(first, token)).status).toBe(202);
    await host.bus.idle();
    for (let i = 0; i < 100; i += 10)
      await Promise.all(Array.from({ length: 10 }, async () => expect((await post(batchOf(pageView('ch-1', 1)), token)).status).toBe(202)));
    await host.bus.idle();
    expect(await views()).toBe(before + 102);

    // Service Bus delivers the first batch again (at least once): its lock was lost after the cells were written but
    // before the batch record, which is why the record is gone.
    const caller = `account:${A.eeStudent}`;
    expect(await usage().delete(recordIdOf(first.batchId, caller), recordIdOf(first.batchId, caller)), 'the record was there').toBe(true);
    const again = {
      batchId: first.batchId,
      batchKey: batchKeyOf(host.services.config, first.batchId, caller),
      receivedAt: now(),
      recording: 'identifiable',
      accountId: A.eeStudent,
      schools: [{ schoolId: EE_SCHOOL, group: 'student' }],
      events: first.events,
    };
    await host.bus.send('usage-events', { body: again, messageId: `redelivered:${randomUUID()}` });
    await host.bus.idle();
    expect(await views()).toBe(before + 102);
    expect(await publisherDaily('ch-1')).toBeDefined();
  });

  it("LOG-1: two callers choosing the same batch id are two batches; each caller's own repeat is still dropped", async () => {
    const batchId = randomUUID();
    const before = await views();
    const publisherBefore = (await publisherDaily('ch-4'))?.views ?? 0;
    const [one, two] = [await tokenOf(A.eeStudent), await tokenOf(A.eeStudent2)];
    // eeStudent2 restricted processing above: counted anonymously, still their own batch.
    expect((await post({ batchId, events: [pageView('ch-4', 5)] }, one)).status).toBe(202);
    expect((await post({ batchId, events: [pageView('ch-4', 5), pageView('ch-4', 5)] }, two)).status).toBe(202);
    expect((await post({ batchId, events: [pageView('ch-4', 5), pageView('ch-4', 5), pageView('ch-4', 5)] })).status).toBe(202);
    expect((await post({ batchId, events: [pageView('ch-4', 5)] }, one)).status).toBe(202);
    await host.bus.idle();
    expect(await views(), 'both students, once each').toBe(before + 3);
    expect((await publisherDaily('ch-4'))!.views, 'not the anonymous reader: no work is open to them').toBe(publisherBefore + 3);
    expect(await recordOf(batchId, `account:${A.eeStudent}`)).toMatchObject({ recorded: 'identifiable', events: 1 });
    expect(await recordOf(batchId, `account:${A.eeStudent2}`)).toMatchObject({ recorded: 'counts-only', events: 2 });
    expect(await recordOf(batchId, ANONYMOUS_CALLER)).toMatchObject({ recorded: 'anonymous', events: 3 });
  });

  it('LOG-1: one session posts at most USAGE_EVENTS_PER_MINUTE events a minute (429 with Retry-After), then again', async () => {
    const token = await tokenOf(A.eeClassTeacher);
    // Start at the beginning of a minute, so the test's batches share one window.
    const ms = host.clock.now().getTime();
    host.clock.advance(60_000 - (ms % 60_000) + 10);
    const hundred = () => batchOf(...Array.from({ length: 100 }, () => pageView('ch-1', 1)));
    for (let i = 0; i < LIMIT / 100; i++) expect((await post(hundred(), token)).status).toBe(202);
    const refused = await post(hundred(), token);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('usage_events_rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    // Another session is not held back by this one.
    expect((await post(hundred(), await tokenOf(A.eeTeacher))).status).toBe(202);
    host.clock.advance(61_000);
    expect((await post(hundred(), token)).status).toBe(202);
    await host.bus.idle();
  });

  it('LOG-1: limits: more than 100 events is 422, more than 64 kB is 413, typed text or stale times are refused', async () => {
    const token = await tokenOf(A.eeStudent);
    const tooMany = await post(batchOf(...Array.from({ length: 101 }, () => pageView('ch-1', 1))), token);
    expect([tooMany.status, tooMany.body.error.code]).toEqual([422, 'validation_failed']);
    const huge = JSON.stringify({ ...batchOf(pageView('ch-1', 1)), padding: 'x'.repeat(70_000) });
    const tooLarge = await post(huge, token);
    expect([tooLarge.status, tooLarge.body.error.code]).toEqual([413, 'payload_too_large']);
    const withText = await post(batchOf({ ...search(), query: 'Mihkel Saar' }), token);
    expect([withText.status, withText.body.error.code]).toEqual([422, 'validation_failed']);
    const unknownKind = await post(batchOf({ kind: 'keystroke', at: now(), key: 'a' }), token);
    expect(unknownKind.status).toBe(422);
    const stale = await post(batchOf({ ...pageView('ch-1', 1), at: new Date(host.clock.now().getTime() - 3 * 86_400_000).toISOString() }), token);
    expect([stale.status, stale.body.error.code]).toEqual([422, 'usage_event_out_of_time']);
    const empty = await post({ batchId: randomUUID(), events: [] }, token);
    expect(empty.status).toBe(422);
  });

  it('LOG-1: a poison batch is dead-lettered with a readable reason, and counts nothing', async () => {
    const before = await views();
    const messageId = `poison-${randomUUID()}`;
    await host.bus.send('usage-events', {
      body: { batchId: randomUUID(), receivedAt: now(), recording: 'anonymous', events: [{ ...pageView('ch-1', 99999) }] },
      messageId,
    });
    await host.bus.idle();
    const dead = host.bus.deadLetters('usage-events').find((d) => d.messageId === messageId);
    expect(dead).toMatchObject({ deliveryCount: 10, deadLetterReason: 'MaxDeliveryCountExceeded' });
    expect(dead!.deadLetterErrorDescription).toMatch(
      /^PoisonMessageError: Message on usage-events does not match its schema \(fields: .*events\.0\.seconds/,
    );
    expect(await views()).toBe(before);
  });
});

describe('usage events count only what a reader could have done (LOG-1, STAT-1, STAT-2)', () => {
  const publisherChapterPeople = async (chapter: string) =>
    (await usage().read<MonthlyCellDoc>(`m|${month()}|c|${WORK}|${chapter}`, `p:${demo.publishers.ee}`))?.people ?? 0;

  it('STAT-1, STAT-2: a signed-in person counts in a work only with a licence to it; their record keeps the batch', async () => {
    const token = await tokenOf(A.eeStudent);
    const other = 'work-ee-math-6';
    const otherDaily = async () => (await usage().read<DailyCellDoc>(`d|${day()}|${EE_SCHOOL}|student|${other}`, 'm:Tallinn'))?.views ?? 0;
    const [viewsBefore, otherBefore] = [await views(), await otherDaily()];
    const batch = batchOf(pageView('ch-1', 5), { ...pageView('ch-1', 5), workId: other }, { ...pageView('ch-2', 5), workId: other });
    expect((await post(batch, token)).status).toBe(202);
    await host.bus.idle();
    expect(await views(), 'the licensed work').toBe(viewsBefore + 1);
    expect(await otherDaily(), 'a work without a licence').toBe(otherBefore);
    expect(await usage().read(`m|${month()}|${EE_SCHOOL}|student|w|${other}`, 'm:Tallinn')).toBeUndefined();
    expect((await batchesOf(A.eeStudent)).find((b) => b.batchId === batch.batchId)?.events).toEqual(batch.events);
  });

  it('STAT-2: a chapter the work does not have is counted under the work without a chapter, never as a chapter row', async () => {
    const token = await tokenOf(A.eeStudent);
    const invented = `ch-invented-${randomUUID().slice(0, 8)}`;
    const withoutChapterBefore = (await publisherDaily('-'))?.views ?? 0;
    expect((await post(batchOf(pageView(invented, 20), pageView(invented, 20)), token)).status).toBe(202);
    await host.bus.idle();
    expect(await publisherDaily(invented)).toBeUndefined();
    expect(await publisherChapterPeople(invented)).toBe(0);
    expect((await publisherDaily('-'))!.views - withoutChapterBefore).toBe(2);
  });

  it('STAT-1: a page view counts at most 30 minutes, and a batch no more seconds than the time it spans', async () => {
    const token = await tokenOf(A.eeStudent);
    const before = (await schoolDaily())?.seconds ?? 0;
    // One long-open tab: an hour in view counts 30 minutes, and is not refused.
    expect((await post(batchOf(pageView('ch-1', 3600)), token)).status).toBe(202);
    await host.bus.idle();
    const afterTab = (await schoolDaily())!.seconds;
    expect(afterTab - before).toBe(30 * 60);
    // 100 views of an hour each at the same instant: one person reads one page at a time.
    const flood = batchOf(...Array.from({ length: 100 }, () => pageView('ch-1', 3600)));
    expect((await post(flood, token)).status).toBe(202);
    await host.bus.idle();
    const school = (await schoolDaily())!;
    expect(school.seconds - afterTab).toBe(30 * 60);
    // The views still count, and the person's own record keeps the batch as it was sent.
    expect((await batchesOf(A.eeStudent)).find((b) => b.batchId === flood.batchId)?.events).toEqual(flood.events);
  });
});
