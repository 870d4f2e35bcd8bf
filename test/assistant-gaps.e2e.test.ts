import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AccountDoc } from '../shared/accounts/model.js';
import { sendAssistantMessage } from '../shared/assistant/index.js';
import { countMessage } from '../shared/assistant/limits.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { AppError } from '../shared/platform/errors.js';

/**
 * The OpiqGPT trial's gaps from issue 15 (GPT-1, GPT-2): moderation for the Anthropic-style provider, a school's rate
 * limit over shards instead of one hot document, and "report a bad answer". Its own host, Anthropic-style, with room
 * for a busy school (the stand-in speaks both protocols and records what left the platform).
 */
const A = demo.accounts;
const EE = demo.schools.ee;
const SCHOOL_LIMIT = 40;
let host: LocalHost;

beforeAll(async () => {
  host = await startLocalHost({
    port: 0,
    sweepIntervalMs: 0,
    identityStandIns: false,
    maksekeskusStandIn: false,
    env: { ASSISTANT_PROVIDER: 'anthropic', ASSISTANT_USER_LIMIT: '30', ASSISTANT_SCHOOL_LIMIT: String(SCHOOL_LIMIT) },
  });
}, 120_000);
afterAll(async () => host?.close());

async function call(method: string, path: string, options: { as?: string; json?: unknown; language?: string } = {}) {
  const headers: Record<string, string> = {};
  if (options.as) {
    const r = await fetch(`${host.url}/_local/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accountId: options.as }),
    });
    headers.authorization = `Bearer ${((await r.json()) as { accessToken: string }).accessToken}`;
  }
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  if (options.language) headers['accept-language'] = options.language;
  const r = await fetch(`${host.url}${path}`, { method, headers, ...(options.json !== undefined ? { body: JSON.stringify(options.json) } : {}) });
  const text = await r.text();
  return { status: r.status, text, body: text && (r.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text };
}

const FINGERPRINT = 'device-fp-gaps-0123456789';
const chat = (as: string, text: string) => call('POST', '/api/assistant/messages', { as, json: { text, deviceFingerprint: FINGERPRINT } });

describe('GPT-1: moderation for the Anthropic-style provider', () => {
  it('GPT-1: a flagged message is refused by the configured OpenAI-protocol moderation before it reaches the Messages call', async () => {
    const before = host.assistant!.requests.length;
    const flagged = await chat(A.eeStudent, 'FLAG-ME now');
    expect([flagged.status, flagged.body.error?.code]).toEqual([422, 'assistant_message_refused']);
    const sent = host.assistant!.requests.slice(before);
    expect(sent.map((q) => q.path)).toEqual(['/v1/moderations']);
    expect(sent[0]!.headers.authorization).toBe(`Bearer ${host.assistant!.apiKey}`);

    const fine = await chat(A.eeStudent, 'Mis on murd?');
    expect(fine.status, fine.text).toBe(200);
    expect(fine.body.provider).toBe('anthropic');
  });

  it('GPT-1: with moderation on and no moderation endpoint for the Anthropic-style provider, the assistant is off (503), nothing leaves', async () => {
    const account = (await host.services.db.collection('accounts').read<AccountDoc>(A.eeStudent, A.eeStudent))!;
    const services = { ...host.services, config: { ...host.services.config, ASSISTANT_MODERATION_URL: undefined } };
    const before = host.assistant!.requests.length;
    const error = await sendAssistantMessage(services, account, { text: 'Hello', deviceFingerprint: FINGERPRINT }, 'et').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('assistant_unavailable');
    expect(host.assistant!.requests.length).toBe(before);
  });
});

describe("GPT-1: a busy school's rate limit is spread over shards", () => {
  const shardsOf = async (schoolId: string) =>
    (
      await host.services.db
        .collection('schools')
        .queryAll<{ id: string; count: number; users: Record<string, unknown> }>(schoolId, { where: "c.type = 'assistant-school-usage'" })
    ).filter((d) => d.count > 0);

  it("GPT-1: a school's messages from many users land on several documents, their sum holds the school's limit, and no account id is stored", async () => {
    host.clock.advance(3_601_000);
    // 40 people of one school at once: all within the school's 40.
    const people = Array.from({ length: SCHOOL_LIMIT }, (_, i) => `acc-busy-${i}`);
    await Promise.all(people.map((id) => countMessage(host.services, id, EE)));
    const shards = await shardsOf(EE);
    expect(shards.length).toBeGreaterThanOrEqual(4);
    expect(shards.reduce((sum, d) => sum + d.count, 0)).toBe(SCHOOL_LIMIT);
    expect(Math.max(...shards.map((d) => d.count))).toBeLessThan(SCHOOL_LIMIT);
    expect(JSON.stringify(shards)).not.toContain('acc-busy');
    // The school is full: anyone more of it is refused, whichever shard they fall in.
    for (const late of ['acc-late-1', 'acc-late-2', 'acc-late-3']) {
      const refused = await countMessage(host.services, late, EE).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((refused as AppError).code).toBe('assistant_rate_limited');
    }
  });

  it('GPT-1: racing at the edge of the limit, at most shards - 1 messages more than the limit get through (the documented bound)', async () => {
    host.clock.advance(3_601_000);
    await Promise.all(Array.from({ length: SCHOOL_LIMIT - 1 }, (_, i) => countMessage(host.services, `acc-edge-${i}`, EE)));
    const racers = Array.from({ length: 20 }, (_, i) => `acc-racer-${i}`);
    const outcomes = await Promise.allSettled(racers.map((id) => countMessage(host.services, id, EE)));
    const through = outcomes.filter((o) => o.status === 'fulfilled').length;
    expect(through).toBeGreaterThanOrEqual(1);
    expect(through).toBeLessThanOrEqual(8);
    const total = (await shardsOf(EE)).reduce((sum, d) => sum + d.count, 0);
    expect(total).toBe(SCHOOL_LIMIT - 1 + through);
  });
});

describe('GPT-1: report a bad answer', () => {
  const report = { question: 'Kas seened on taimed?', answer: 'Jah, seened on taimed.', reason: 'wrong', note: 'Seened ei ole taimed.' };

  it('GPT-1, GPT-2: a student reports an answer; it is stored without the person, school or device, once; the operator reviews it', async () => {
    host.clock.advance(3_601_000);
    const sent = await call('POST', '/api/assistant/reports', { as: A.eeStudent, json: report, language: 'et' });
    expect(sent.status, sent.text).toBe(202);
    expect(sent.body).toEqual({ id: expect.stringMatching(/^assistant-report:/) });
    // The same question and answer again (a retry, or someone else) is the same report.
    const again = await call('POST', '/api/assistant/reports', { as: A.eeTeacher, json: report });
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(sent.body.id);

    const stored = await host.services.db
      .collection('schools')
      .queryAll<Record<string, unknown>>('assistant-reports', { where: "c.type = 'assistant-report'" });
    expect(stored).toHaveLength(1);
    const account = (await host.services.db.collection('accounts').read<AccountDoc>(A.eeStudent, A.eeStudent))!;
    const everything = JSON.stringify(stored);
    for (const personal of [A.eeStudent, A.eeTeacher, account.firstName, account.lastName, account.email!, EE, FINGERPRINT])
      expect(everything, personal).not.toContain(personal);
    expect(stored[0]).toMatchObject({ question: report.question, answer: report.answer, reason: 'wrong', note: report.note, language: 'et' });

    const list = await call('GET', '/api/ops/assistant/reports', { as: A.operatorAdmin });
    expect(list.status, list.text).toBe(200);
    expect(list.body.reports).toEqual([{ id: sent.body.id, ...report, language: 'et', reportedAt: expect.any(String) }]);
  });

  it('GPT-1: only assistant users report, only operator administrators list; bad input is 4xx', async () => {
    const parent = await call('POST', '/api/assistant/reports', { as: A.eeParent, json: report });
    expect([parent.status, parent.body.error?.code]).toEqual([403, 'assistant_not_for_role']);
    // A private user without a licence cannot chat, so has no answer to report.
    const unlicensed = await call('POST', '/api/assistant/reports', { as: A.privateUser, json: report });
    expect([unlicensed.status, unlicensed.body.error?.code]).toEqual([403, 'assistant_licence_required']);
    expect((await call('POST', '/api/assistant/reports', { json: report })).status).toBe(401);
    for (const who of [A.supportStaff, A.privacyOfficer, A.eeAdmin, A.eeStudent])
      expect((await call('GET', '/api/ops/assistant/reports', { as: who })).status, who).toBe(403);
    for (const bad of [
      { ...report, reason: 'boring' },
      { ...report, answer: '' },
      { ...report, question: 'x'.repeat(2001) },
      { ...report, accountId: A.eeStudent },
    ])
      expect((await call('POST', '/api/assistant/reports', { as: A.eeStudent, json: bad })).status).toBe(422);
    expect((await call('GET', '/api/ops/assistant/reports?continuation=forged.token', { as: A.operatorAdmin })).status).toBe(400);
  });
});
