import { Readable } from 'node:stream';

import { beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';

import { unitConfig } from '../../test/unit-config.js';
import { csrfTokenFor } from '../auth/csrf.js';
import { signAccessToken } from '../auth/session-token.js';
import { ACCESS_TOKEN_COOKIE, CSRF_COOKIE } from '../auth/sessions.js';
import { LocalBus } from '../local/bus.js';
import { HttpRequest, InvocationContext } from '../platform/azure-functions.js';
import { unconfiguredBlobStore } from '../platform/blob.js';
import { AdjustableClock } from '../platform/clock.js';
import { ConcurrentUpdateError, type Database } from '../platform/cosmos.js';
import { Outbox } from '../platform/email.js';
import { AppError } from '../platform/errors.js';
import { type Services, useServices } from '../platform/services.js';
import { MemoryTelemetry, pseudonymousId } from '../platform/telemetry.js';
import type { OrderDoc } from '../store/model.js';
import { transition } from '../store/state-machine.js';
import { CSRF_HEADER, defineHttp, noContent, ok, redirect, responds } from './define-http.js';
import { HttpError } from './errors.js';

const KEYS = `unit:${Buffer.alloc(32, 3).toString('base64url')}`;
const PSEUDONYM_KEY = Buffer.alloc(32, 5).toString('base64url');
let telemetry: MemoryTelemetry;
let clock: AdjustableClock;
let services: Services;

beforeEach(() => {
  telemetry = new MemoryTelemetry();
  clock = new AdjustableClock();
  const config = unitConfig({ SESSION_SIGNING_KEYS: KEYS, MAX_BODY_BYTES: '2048', TELEMETRY_PSEUDONYM_KEY: PSEUDONYM_KEY });
  // Only the session check and the caller's account are read here: every session is active unless its id says revoked.
  const sessions = {
    read: async (id: string, accountId: string) =>
      !id.startsWith('session:')
        ? { id, type: 'account', accountId, status: 'active' }
        : id.includes('revoked')
          ? { id, type: 'session', accountId, status: 'revoked' }
          : {
              id,
              type: 'session',
              accountId,
              status: 'active',
              idleExpiresAt: '2999-01-01T00:00:00Z',
              absoluteExpiresAt: '2999-01-01T00:00:00Z',
            },
  };
  const db = { collection: () => sessions, ping: async () => {} } as unknown as Database;
  services = {
    config,
    clock,
    db,
    bus: new LocalBus(),
    email: new Outbox(config.EMAIL_FROM),
    telemetry,
    blobs: unconfiguredBlobStore,
    identityProviders: new Map(),
  };
  useServices(services);
});

const echo = defineHttp({
  name: 'things-update',
  route: 'things/{id}',
  methods: ['POST'],
  summary: 'test',
  tags: ['test'],
  auth: 'session',
  capability: 'self.update',
  params: z.object({ id: z.string().regex(/^t-\d+$/) }),
  query: z.object({ dryRun: z.enum(['true', 'false']).optional() }),
  body: z.strictObject({ title: z.string().min(1), count: z.number().int() }),
  output: z.object({
    id: z.string(),
    dryRun: z.enum(['true', 'false']),
    body: z.object({ title: z.string(), count: z.number() }),
    accountId: z.string(),
  }),
  errors: [],
  handler: async ({ params, query, body, principal }) => ok({ id: params.id, dryRun: query.dryRun ?? 'false', body, accountId: principal.accountId }),
});

const publicRoute = defineHttp({
  name: 'things-list',
  route: 'things',
  methods: ['GET'],
  summary: 'test',
  tags: ['test'],
  auth: 'public',
  usesSession: true,
  output: z.object({ signedIn: z.boolean() }),
  errors: [],
  handler: async ({ principal }) => ok({ signedIn: Boolean(principal) }),
});

function request(init: {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  params?: Record<string, string>;
}) {
  const body = init.body === undefined ? undefined : typeof init.body === 'string' ? { string: init.body } : { bytes: init.body };
  return new HttpRequest({
    method: init.method ?? 'POST',
    url: `http://localhost/api/${init.path ?? 'things/t-1'}`,
    headers: init.headers ?? {},
    params: init.params ?? { id: 't-1' },
    ...(body ? { body } : {}),
  });
}

const context = () => new InvocationContext({ invocationId: 'inv-0001-abcd', functionName: 'test' });
const token = (accountId = 'acc-1', now = new Date(), sessionId = 's-1') =>
  signAccessToken({ accountId, sessionId }, unitConfig({ SESSION_SIGNING_KEYS: KEYS }).SESSION_SIGNING_KEYS, now);
const json = { 'content-type': 'application/json' };

async function call(definition: typeof echo, init: Parameters<typeof request>[0]) {
  const response = await definition.handler(request(init), context());
  return { status: response.status, headers: response.headers as Record<string, string>, body: response.jsonBody, raw: response.body };
}

describe('defineHttp: the one HTTP wrapper', () => {
  it('passes validated, typed params, query and body to the handler with the principal from the token', async () => {
    const r = await call(echo, {
      path: 'things/t-7?dryRun=true',
      params: { id: 't-7' },
      headers: { ...json, authorization: `Bearer ${await token('acc-42')}` },
      body: JSON.stringify({ title: 'x', count: 2 }),
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ id: 't-7', dryRun: 'true', body: { title: 'x', count: 2 }, accountId: 'acc-42' });
  });

  it('LOG-2: every answer is a user action in telemetry, the caller known only by a keyed hash of the account id', async () => {
    await call(echo, {
      path: 'things/t-7?dryRun=true',
      params: { id: 't-7' },
      headers: { ...json, authorization: `Bearer ${await token('acc-42')}` },
      body: JSON.stringify({ title: 'x', count: 2 }),
    });
    await call(echo, { headers: json, body: '{}' });
    const actions = telemetry.records.filter((r) => r.name === 'user.action');
    const user = pseudonymousId(PSEUDONYM_KEY, 'acc-42');
    expect(user).toMatch(/^[0-9a-f]{32}$/);
    expect(user).not.toBe(pseudonymousId(Buffer.alloc(32, 6).toString('base64url'), 'acc-42'));
    expect(actions).toEqual([
      expect.objectContaining({ properties: { route: 'things-update', method: 'POST', status: '200', outcome: 'ok', user } }),
      expect.objectContaining({ properties: { route: 'things-update', method: 'POST', status: '401', outcome: 'refused', code: 'unauthenticated' } }),
    ]);
    expect(JSON.stringify(actions)).not.toMatch(/acc-42|t-7|dryRun/);
  });

  it('a missing session gets 401 with the envelope, in Estonian by default', async () => {
    const r = await call(echo, { headers: json, body: '{}' });
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(r.body).toEqual({ error: { code: 'unauthenticated', message: 'Palun logi sisse.' } });
  });

  it.each([
    ['fi-FI,fi;q=0.9', 'Kirjaudu sisään.'],
    ['en-GB, en;q=0.8', 'Please sign in.'],
    ['de-DE, en;q=0.5', 'Please sign in.'],
    ['et', 'Palun logi sisse.'],
  ])('OPS-3: messages follow Accept-Language %s', async (header, text) => {
    const r = await call(echo, { headers: { ...json, 'accept-language': header }, body: '{}' });
    expect(r.body.error.message).toBe(text);
    expect(r.headers['content-language']).toBe(text === 'Please sign in.' ? 'en' : text === 'Kirjaudu sisään.' ? 'fi' : 'et');
  });

  it('a malformed JSON body gets 400 malformed_json in each language', async () => {
    const auth = `Bearer ${await token()}`;
    const texts: Record<string, string> = {
      et: 'Päringu sisu ei ole korrektne JSON.',
      fi: 'Pyynnön sisältö ei ole kelvollista JSONia.',
      en: 'The request body is not valid JSON.',
    };
    for (const [language, text] of Object.entries(texts)) {
      const r = await call(echo, { headers: { ...json, authorization: auth, 'accept-language': language }, body: '{"title": "x",' });
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ error: { code: 'malformed_json', message: text } });
    }
  });

  it('a wrong type gets 422 with details naming the field, without echoing the value', async () => {
    const r = await call(echo, {
      headers: { ...json, authorization: `Bearer ${await token()}`, 'accept-language': 'en' },
      body: JSON.stringify({ title: 'secret-value-123', count: 'three' }),
    });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('validation_failed');
    expect(r.body.error.message).toBe('The request data is invalid.');
    expect(r.body.error.details).toEqual([{ path: 'count', issue: expect.stringContaining('number') }]);
    expect(JSON.stringify(r.body)).not.toContain('three');
  });

  it('unknown body fields are refused by strict schemas', async () => {
    const r = await call(echo, {
      headers: { ...json, authorization: `Bearer ${await token()}` },
      body: JSON.stringify({ title: 'x', count: 1, isAdmin: true }),
    });
    expect(r.status).toBe(422);
    expect(r.body.error.details[0].issue).toMatch(/isAdmin/);
  });

  it('invalid path parameters and query values get 400', async () => {
    const auth = { ...json, authorization: `Bearer ${await token()}` };
    const badParam = await call(echo, { params: { id: 'nope' }, headers: auth, body: '{"title":"x","count":1}' });
    expect(badParam.status).toBe(400);
    expect(badParam.body.error.code).toBe('invalid_parameter');
    const badQuery = await call(echo, { path: 'things/t-1?dryRun=maybe', headers: auth, body: '{"title":"x","count":1}' });
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.error.code).toBe('invalid_query');
  });

  it('a body that is not JSON where JSON is expected gets 415', async () => {
    const r = await call(echo, {
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${await token()}`, 'accept-language': 'en' },
      body: 'title=x',
    });
    expect(r.status).toBe(415);
    expect(r.body.error).toEqual({ code: 'unsupported_media_type', message: 'The request body must be application/json.' });
  });

  it('a body over the limit gets 413, whether declared by content-length or not', async () => {
    const auth = `Bearer ${await token()}`;
    const big = JSON.stringify({ title: 'x'.repeat(3000), count: 1 });
    const declared = await call(echo, { headers: { ...json, authorization: auth, 'content-length': String(big.length) }, body: big });
    expect(declared.status).toBe(413);
    const undeclared = await call(echo, { headers: { ...json, authorization: auth }, body: big });
    expect(undeclared.status).toBe(413);
    expect(undeclared.body.error.message).toContain('2048');
  });

  it('LRN-4: an upload route takes raw bytes whatever the declared type, up to its own limit above MAX_BODY_BYTES', async () => {
    const upload = defineHttp({
      name: 'things-upload',
      route: 'things/{id}/file',
      methods: ['PUT'],
      summary: 'test',
      tags: ['test'],
      auth: 'session',
      body: z.instanceof(Uint8Array),
      bodyTypes: ['bytes'],
      maxBodyBytes: 4096,
      capability: 'self.update',
      output: z.object({ size: z.number(), first: z.number().optional() }),
      errors: [],
      handler: async ({ body }) => ok({ size: body.byteLength, first: body[0] }),
    });
    expect(upload.kind === 'http' && upload.contract.maxBodyBytes).toBe(4096);
    const auth = `Bearer ${await token()}`;
    const bytes = new Uint8Array(3000).fill(0x89);
    const r = await call(upload, { method: 'PUT', headers: { 'content-type': 'text/html', authorization: auth }, body: bytes });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ size: 3000, first: 0x89 });
    const over = await call(upload, { method: 'PUT', headers: { authorization: auth }, body: new Uint8Array(4097) });
    expect(over.status).toBe(413);
    expect(over.body.error.message).toContain('4096');
  });

  it('an expired token gets 401 session_expired; a tampered or foreign one 401 unauthenticated', async () => {
    const expired = await token('acc-1', new Date(Date.now() - 3600_000));
    const r1 = await call(echo, { headers: { ...json, authorization: `Bearer ${expired}` }, body: '{}' });
    expect(r1.status).toBe(401);
    expect(r1.body.error.code).toBe('session_expired');
    const valid = await token();
    const tampered = valid.slice(0, -3) + (valid.endsWith('AAA') ? 'BBB' : 'AAA');
    const r2 = await call(echo, { headers: { ...json, authorization: `Bearer ${tampered}` }, body: '{}' });
    expect(r2.status).toBe(401);
    expect(r2.body.error.code).toBe('unauthenticated');
    const r3 = await call(echo, { headers: { ...json, authorization: 'Basic dXNlcjpwYXNz' }, body: '{}' });
    expect(r3.status).toBe(401);
  });

  it('AUTH-5: a valid token of a revoked session is refused at once with 401 session_revoked', async () => {
    const r = await call(echo, {
      headers: { ...json, authorization: `Bearer ${await token('acc-1', new Date(), 's-revoked')}`, 'accept-language': 'en' },
      body: '{}',
    });
    expect(r.status).toBe(401);
    expect(r.body.error).toEqual({ code: 'session_revoked', message: 'This session has ended. Please sign in again.' });
  });

  it('a public route works without a session, and still recognises one', async () => {
    expect((await call(publicRoute, { method: 'GET', path: 'things' })).body).toEqual({ signedIn: false });
    const signedIn = await call(publicRoute, { method: 'GET', path: 'things', headers: { authorization: `Bearer ${await token()}` } });
    expect(signedIn.body).toEqual({ signedIn: true });
  });

  it('cookie sessions need the CSRF header on writes, not on reads; the token is bound to the session (issue 17)', async () => {
    const sessionToken = csrfTokenFor('s-1', services.config.SESSION_SIGNING_KEYS);
    const cookie = `${ACCESS_TOKEN_COOKIE}=${await token()}; ${CSRF_COOKIE}=${sessionToken}`;
    const noHeader = await call(echo, { headers: { ...json, cookie }, body: '{"title":"x","count":1}' });
    expect(noHeader.status).toBe(403);
    expect(noHeader.body.error.code).toBe('csrf_failed');
    const wrong = await call(echo, { headers: { ...json, cookie, [CSRF_HEADER]: `${sessionToken.slice(0, -1)}X` }, body: '{"title":"x","count":1}' });
    expect(wrong.status).toBe(403);
    // An attacker-chosen cookie repeated in the header (plain double submit) no longer passes.
    const planted = `${ACCESS_TOKEN_COOKIE}=${await token()}; ${CSRF_COOKIE}=csrf-0123456789abcdef`;
    const doubleSubmit = await call(echo, {
      headers: { ...json, cookie: planted, [CSRF_HEADER]: 'csrf-0123456789abcdef' },
      body: '{"title":"x","count":1}',
    });
    expect(doubleSubmit.status).toBe(403);
    // Another session's token is worthless for this one.
    const otherSession = csrfTokenFor('s-2', services.config.SESSION_SIGNING_KEYS);
    expect((await call(echo, { headers: { ...json, cookie, [CSRF_HEADER]: otherSession }, body: '{"title":"x","count":1}' })).status).toBe(403);
    const right = await call(echo, { headers: { ...json, cookie, [CSRF_HEADER]: sessionToken }, body: '{"title":"x","count":1}' });
    expect(right.status).toBe(200);
    const read = await call(publicRoute, { method: 'GET', path: 'things', headers: { cookie } });
    expect(read.body).toEqual({ signedIn: true });
  });

  it('a public route ignores a stale or revoked session cookie and clears it; a session route still answers 401 (issue 17)', async () => {
    const revoked = `${ACCESS_TOKEN_COOKIE}=${await token('acc-1', new Date(), 's-revoked')}`;
    const forged = `${ACCESS_TOKEN_COOKIE}=eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl`;
    for (const cookie of [revoked, forged]) {
      const response = await publicRoute.handler(request({ method: 'GET', path: 'things', headers: { cookie } }), context());
      expect(response.status).toBe(200);
      expect(response.jsonBody).toEqual({ signedIn: false });
      expect(
        (response.cookies ?? [])
          .filter((c) => c.maxAge === 0)
          .map((c) => c.name)
          .sort(),
      ).toEqual([ACCESS_TOKEN_COOKIE, CSRF_COOKIE, '__Host-opiq_rt'].sort());
      const session = await call(echo, { headers: { ...json, cookie }, body: '{"title":"x","count":1}' });
      expect(session.status).toBe(401);
    }
  });

  it('every response carries a correlation id: the caller’s when well-formed, else the invocation id', async () => {
    const given = await call(publicRoute, { method: 'GET', path: 'things', headers: { 'x-correlation-id': 'abc-12345678' } });
    expect(given.headers['x-correlation-id']).toBe('abc-12345678');
    const rejected = await call(publicRoute, { method: 'GET', path: 'things', headers: { 'x-correlation-id': '<script>' } });
    expect(rejected.headers['x-correlation-id']).toBe('inv-0001-abcd');
    const error = await call(echo, { headers: json, body: '{}' });
    expect(error.headers['x-correlation-id']).toBe('inv-0001-abcd');
  });

  it('an unexpected error is a 500 that names only the correlation id; telemetry gets no personal data', async () => {
    const failing = defineHttp({
      name: 'things-fail',
      route: 'fail',
      methods: ['GET'],
      summary: 'test',
      tags: ['test'],
      auth: 'public',
      output: responds.noContent,
      errors: [],
      handler: async () => {
        throw new Error('lookup failed for mari.mets@kuusiku.example with code 47502124911');
      },
    });
    const r = await call(failing, { method: 'GET', path: 'fail', headers: { 'accept-language': 'en' } });
    expect(r.status).toBe(500);
    expect(r.body.error.code).toBe('internal_error');
    expect(r.body.error.message).toContain('inv-0001-abcd');
    expect(JSON.stringify(r.body)).not.toMatch(/mari|47502124911|lookup failed/);
    const recorded = JSON.stringify(telemetry.records);
    expect(telemetry.records.some((t) => t.kind === 'exception' && t.properties.correlationId === 'inv-0001-abcd')).toBe(true);
    expect(recorded).not.toMatch(/mari\.mets|47502124911/);
  });

  it('HttpError statuses and a concurrent update (409) pass through as envelopes', async () => {
    const thrower = (error: Error) =>
      defineHttp({
        name: 'things-throw',
        route: 'x',
        methods: ['GET'],
        summary: 't',
        tags: ['t'],
        auth: 'public',
        output: responds.noContent,
        errors: ['not_found', 'conflict'],
        handler: async () => {
          throw error;
        },
      });
    expect((await call(thrower(new HttpError(404, 'not_found')), { method: 'GET', path: 'x' })).status).toBe(404);
    const conflict = await call(thrower(new ConcurrentUpdateError('accounts')), { method: 'GET', path: 'x', headers: { 'accept-language': 'en' } });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error).toEqual({ code: 'conflict', message: 'The data was changed in the meantime. Please try again.' });
  });

  it('issue 16: an illegal order transition reaching a route answers 409 order_state_conflict with the envelope, not 500', async () => {
    const refunded = { id: 'ord-TEST', type: 'order', status: 'refunded', transitions: [] } as unknown as OrderDoc;
    const route = defineHttp({
      name: 'orders-reopen',
      route: 'reopen',
      methods: ['POST'],
      summary: 't',
      tags: ['t'],
      auth: 'public',
      output: z.unknown(),
      errors: ['order_state_conflict'],
      handler: async () => ok(transition(refunded, 'paid', { at: '2026-09-01T00:00:00.000Z', by: 'system', reason: 'test' })),
    });
    const r = await call(route, { path: 'reopen', headers: { 'accept-language': 'en' } });
    expect(r.status).toBe(409);
    expect(r.body.error).toEqual({ code: 'order_state_conflict', message: 'The order is “refunded”, so this cannot be done.' });
    expect(telemetry.records.filter((t) => t.kind === 'exception')).toEqual([]);
  });

  it('issue 16: an AppError from the domain answers its kind’s status; Retry-After comes from retryAfterSeconds', async () => {
    const thrower = (error: Error) =>
      defineHttp({
        name: 'things-throw',
        route: 'x',
        methods: ['GET'],
        summary: 't',
        tags: ['t'],
        auth: 'public',
        output: z.never(),
        errors: ['too_many_attempts', 'invitation_expired'],
        handler: async () => {
          throw error;
        },
      });
    const limited = await call(thrower(new AppError('too_many_attempts', { params: { retryAfterMinutes: 2 }, retryAfterSeconds: 61 })), {
      method: 'GET',
      path: 'x',
      headers: { 'accept-language': 'en' },
    });
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('61');
    expect(limited.body.error).toEqual({ code: 'too_many_attempts', message: 'Too many failed attempts. Try again in 2 minutes.' });
    const gone = await call(thrower(new AppError('invitation_expired')), { method: 'GET', path: 'x' });
    expect(gone.status).toBe(410);
    expect(gone.headers['retry-after']).toBeUndefined();
  });

  describe('issue 11: authentication in one point read', () => {
    /** A database holding one account (with the given fields) that records every read. */
    function accountStore(fields: Record<string, unknown>) {
      const reads: string[] = [];
      const collection = {
        read: async (id: string, accountId: string) => {
          reads.push(id);
          return id === accountId ? { id, type: 'account', accountId, status: 'active', ...fields } : undefined;
        },
      };
      useServices({ ...services, db: { collection: () => collection, ping: async () => {} } as unknown as Database });
      return reads;
    }
    const future = '2999-01-01T00:00:00Z';

    it('AUTH-5: a session listed on the account is accepted after reading the account alone', async () => {
      const reads = accountStore({ activeSessions: [{ sessionId: 's-1', absoluteExpiresAt: future }] });
      const r = await call(echo, { headers: { ...json, authorization: `Bearer ${await token('acc-1')}` }, body: '{"title":"x","count":1}' });
      expect(r.status).toBe(200);
      expect(reads).toEqual(['acc-1']);
    });

    it('AUTH-5: a session no longer listed (revoked), past its absolute end, or of a suspended account is refused at once', async () => {
      for (const fields of [
        { activeSessions: [{ sessionId: 's-other', absoluteExpiresAt: future }] },
        { activeSessions: [{ sessionId: 's-1', absoluteExpiresAt: '2000-01-01T00:00:00Z' }] },
        { activeSessions: [{ sessionId: 's-1', absoluteExpiresAt: future }], status: 'suspended' },
      ]) {
        const reads = accountStore(fields);
        const r = await call(echo, { headers: { ...json, authorization: `Bearer ${await token('acc-1')}` }, body: '{"title":"x","count":1}' });
        expect(r.status).toBe(401);
        expect(r.body.error.code).toBe('session_revoked');
        expect(reads).toEqual(['acc-1']);
      }
    });

    it('a public route that does not use the session reads nothing for a bearer token, and clears a badly signed cookie without a read', async () => {
      const reads = accountStore({ activeSessions: [{ sessionId: 's-1', absoluteExpiresAt: future }] });
      const catalogue = defineHttp({
        name: 'things-public',
        route: 'things',
        methods: ['GET'],
        summary: 't',
        tags: ['t'],
        auth: 'public',
        output: z.object({ signedIn: z.boolean() }),
        errors: [],
        handler: async ({ principal }) => ok({ signedIn: Boolean(principal) }),
      });
      const bearer = await call(catalogue, { method: 'GET', path: 'things', headers: { authorization: `Bearer ${await token('acc-1')}` } });
      expect(bearer.body).toEqual({ signedIn: false });
      const forged = (await token('acc-1')).slice(0, -4) + 'AAAA';
      const response = await catalogue.handler(
        request({ method: 'GET', path: 'things', headers: { cookie: `${ACCESS_TOKEN_COOKIE}=${forged}` } }),
        context(),
      );
      expect(response.status).toBe(200);
      expect((response.cookies ?? []).map((c) => c.name)).toContain(ACCESS_TOKEN_COOKIE);
      expect(reads).toEqual([]);
    });
  });

  it('locally, responses report the Cosmos operations the request made', async () => {
    const r = await call(publicRoute, { method: 'GET', path: 'things' });
    expect(r.headers['x-cosmos-ops']).toBe('pointRead=0;write=0;query=0;crossPartitionQuery=0;metadata=0');
  });
});

describe("issue 16: a route's output is a contract, checked on the local stack", () => {
  const route = (output: Parameters<typeof defineHttp>[0]['output'], result: () => Promise<never>) =>
    defineHttp({
      name: 'things-get',
      route: 'things',
      methods: ['GET'],
      summary: 't',
      tags: ['t'],
      auth: 'public',
      output,
      errors: [],
      handler: result,
    });
  const get = (definition: typeof echo) => call(definition, { method: 'GET', path: 'things', headers: { 'accept-language': 'en' } });
  // The handlers below lie about their result on purpose: the type checker would refuse them otherwise.
  const answer = (value: unknown) => async () => value as never;
  // The wrapper says what broke on the console as well; here that is expected.
  beforeEach(() => void vi.spyOn(console, 'error').mockImplementation(() => {}));

  it('a JSON body that fits its schema and a declared status pass; a body or a status that does not is a 500 locally', async () => {
    const schema = z.object({ n: z.number() });
    expect((await get(route(schema, answer(ok({ n: 1 }))))).status).toBe(200);
    const drift = await get(route(schema, answer(ok({ n: 'one' }))));
    expect(drift.status).toBe(500);
    expect(drift.body.error.code).toBe('internal_error');
    expect(telemetry.records.some((t) => t.kind === 'exception' && /things-get breaks its contract: n:/.test(JSON.stringify(t)))).toBe(true);
    expect((await get(route(schema, answer({ status: 202, body: { n: 1 } })))).status).toBe(500);
  });

  it('a redirect route answers its status with Location, a no-content route 204 without a body, a file route its media type', async () => {
    expect((await get(route(responds.redirect('the front end'), answer(redirect('http://x/'))))).status).toBe(303);
    expect((await get(route(responds.redirect('the front end'), answer(ok({ n: 1 }))))).status).toBe(500);
    expect((await get(route(responds.redirect('the provider', 302), answer(redirect('http://x/'))))).status).toBe(500);
    expect((await get(route(responds.noContent, answer({ status: 204 })))).status).toBe(204);
    expect((await get(route(responds.noContent, answer(ok({ n: 1 }))))).status).toBe(500);
    expect(
      (await get(route(responds.file('text/html'), answer(ok('<p>', { headers: { 'content-type': 'text/html; charset=utf-8' } }))))).status,
    ).toBe(200);
    expect((await get(route(responds.file('text/html'), answer(ok('<p>', { headers: { 'content-type': 'text/css' } }))))).status).toBe(500);
    // PRIV-2: a large file (the data export) is answered as a stream and handed to the host unread.
    const stream = Readable.from([Buffer.from('zip')]);
    const streamed = await get(route(responds.file('application/zip'), answer(ok(stream, { headers: { 'content-type': 'application/zip' } }))));
    expect(streamed.status).toBe(200);
    expect(streamed.raw).toBe(stream);
  });

  it('in Azure the output is not checked: it would cost every request, and a working answer must not become a 500', async () => {
    useServices({ ...services, config: { ...services.config, APP_ENV: 'azure' } });
    expect((await get(route(z.object({ n: z.number() }), answer(ok({ n: 'one' }))))).status).toBe(200);
  });
});

const answerNothing = async () => noContent();

describe('issue 16: a route answers only the error codes it declares (and the wrapper answers for it), checked locally', () => {
  const thrower = (errors: Parameters<typeof defineHttp>[0]['errors'], error: Error, auth: 'public' | 'session' = 'public') =>
    defineHttp({
      name: 'things-refuse',
      route: 'things/{id}',
      methods: ['POST'],
      summary: 't',
      tags: ['t'],
      ...(auth === 'session' ? { auth, capability: 'self.update' } : { auth }),
      params: z.object({ id: z.string().regex(/^t-\d+$/) }),
      body: z.strictObject({ n: z.number() }),
      output: responds.noContent,
      errors,
      handler: async () => {
        throw error;
      },
    });
  const post = async (definition: typeof echo, init: Partial<Parameters<typeof request>[0]> = {}) =>
    call(definition, { body: '{"n":1}', headers: { ...json, authorization: `Bearer ${await token()}`, 'accept-language': 'en' }, ...init });
  let logged: string[];
  beforeEach(() => {
    logged = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void logged.push(line));
  });

  it('a declared code is answered as it is', async () => {
    const r = await post(thrower(['invitation_expired'], new AppError('invitation_expired')));
    expect(r.status).toBe(410);
    expect(r.body.error.code).toBe('invitation_expired');
    expect(logged).toEqual([]);
  });

  it('an undeclared domain code is a 500, and the console and telemetry name the route and the code', async () => {
    const r = await post(thrower(['order_not_found'], new AppError('invitation_expired')));
    expect(r.status).toBe(500);
    expect(r.body.error.code).toBe('internal_error');
    expect(JSON.stringify(r.body)).not.toContain('invitation_expired');
    expect(logged.map((line) => JSON.parse(line) as Record<string, string>)).toMatchObject([
      { kind: 'error-contract', function: 'things-refuse', code: 'invitation_expired' },
    ]);
    const exception = telemetry.records.find((t) => t.kind === 'exception');
    expect(JSON.stringify(exception)).toMatch(/things-refuse breaks its contract: error code invitation_expired is not declared/);
    // The store's own failures map to codes too: a conflict the route does not declare is refused the same way.
    expect((await post(thrower([], new ConcurrentUpdateError('accounts')))).status).toBe(500);
    expect((await post(thrower(['conflict'], new ConcurrentUpdateError('accounts')))).status).toBe(409);
  });

  it('what the wrapper answers for the route is never declared: session, CSRF, address, body, a busy store', async () => {
    const session = thrower([], new AppError('invitation_expired'), 'session');
    expect((await post(session, { headers: { ...json } })).body.error.code).toBe('unauthenticated');
    expect((await post(session, { params: { id: 'x' } })).body.error.code).toBe('invalid_parameter');
    expect((await post(session, { body: '{"n":"one"}' })).body.error.code).toBe('validation_failed');
    expect((await post(session, { body: '{' })).body.error.code).toBe('malformed_json');
    expect((await post(thrower([], new AppError('store_unavailable', { params: { retryAfter: 1 } })))).status).toBe(503);
    expect(logged).toEqual([]);
    // A public route answers no session codes of its own accord: one it throws is its own, and undeclared.
    expect((await post(thrower([], new AppError('forbidden')))).status).toBe(500);
  });

  it('the wrapper codes a route gets depend on its shape: no session codes on public routes, no CSRF on reads', async () => {
    const { wrapperErrorCodes, errorCodeProblem } = await import('./output-check.js');
    expect(wrapperErrorCodes({ auth: 'public' }, 'GET')).toEqual(['store_unavailable', 'internal_error']);
    expect(wrapperErrorCodes({ auth: 'session' }, 'GET')).not.toContain('csrf_failed');
    expect(wrapperErrorCodes({ auth: 'session' }, 'DELETE')).toContain('csrf_failed');
    expect(wrapperErrorCodes({ auth: 'public', idempotencyKey: true }, 'POST')).toContain('invalid_idempotency_key');
    expect(errorCodeProblem({ auth: 'public', errors: [] }, 'GET', 'invalid_query')).toBe('error code invalid_query is not declared in its errors');
  });

  it('a route whose errors all become redirects answers no code, so none is checked', async () => {
    const route = defineHttp({
      name: 'things-return',
      route: 'x',
      methods: ['GET'],
      summary: 't',
      tags: ['t'],
      auth: 'public',
      output: responds.redirect('the front end'),
      errorRedirect: () => 'http://localhost:3000/error',
      errors: [],
      handler: async () => {
        throw new AppError('invitation_expired');
      },
    });
    const r = await call(route, { method: 'GET', path: 'x' });
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('http://localhost:3000/error');
  });

  it('every route declares its errors: leaving them out does not compile', () => {
    // @ts-expect-error -- `errors` is required, `[]` when the route answers only what the wrapper answers for it
    defineHttp({
      name: 'things-bare',
      route: 'x',
      methods: ['GET'],
      summary: 't',
      tags: ['t'],
      auth: 'public',
      output: responds.noContent,
      handler: answerNothing,
    });
    defineHttp({
      name: 'things-odd',
      route: 'x',
      methods: ['GET'],
      summary: 't',
      tags: ['t'],
      auth: 'public',
      output: responds.noContent,
      // @ts-expect-error -- and every code in it is a catalogued one
      errors: ['order_lost'],
      handler: answerNothing,
    });
  });

  it('in Azure it is not checked: the code is answered as thrown', async () => {
    useServices({ ...services, config: { ...services.config, APP_ENV: 'azure' } });
    expect((await post(thrower([], new AppError('invitation_expired')))).status).toBe(410);
  });
});

describe('issue 16: fields the output schema does not name', () => {
  it('are refused locally, also inside arrays, unions and intersections; declared ones pass', async () => {
    const { outputProblem } = await import('./output-check.js');
    const contract = (output: z.ZodType) => ({ output, successStatus: 200, otherStatuses: [] });
    const list = z.object({ items: z.array(z.object({ id: z.string() })) });
    expect(outputProblem(contract(list), { body: { items: [{ id: 'a' }] } })).toBeUndefined();
    expect(outputProblem(contract(list), { body: { items: [{ id: 'a', _etag: 'x' }] } })).toBe('fields the schema does not name: items[]._etag');
    const either = z.union([z.object({ signedIn: z.literal(false) }), z.object({ signedIn: z.literal(true), accountId: z.string() })]);
    expect(outputProblem(contract(either), { body: { signedIn: true, accountId: 'a' } })).toBeUndefined();
    expect(outputProblem(contract(either), { body: { signedIn: false, secret: 's' } })).toBe('fields the schema does not name: secret');
    const both = z.intersection(
      z.object({ accountId: z.string() }),
      z.union([z.object({ csrfToken: z.string() }), z.object({ accessToken: z.string() })]),
    );
    expect(outputProblem(contract(both), { body: { accountId: 'a', csrfToken: 'c' } })).toBeUndefined();
    expect(outputProblem(contract(both), { body: { accountId: 'a', csrfToken: 'c', password: 'p' } })).toBe(
      'fields the schema does not name: password',
    );
    expect(outputProblem(contract(z.record(z.string(), z.object({ n: z.number() }))), { body: { a: { n: 1, m: 2 } } })).toBe(
      'fields the schema does not name: a.m',
    );
  });
});
