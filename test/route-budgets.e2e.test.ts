import { randomUUID } from 'node:crypto';

import { beforeAll, describe, expect, inject, it, vi } from 'vitest';

import { definitions } from '../functions/index.js';
import { unsubscribeToken } from '../shared/consents/index.js';
import { exampleWorkContent } from '../shared/content/fixtures.js';
import { budgetOf, ROUTE_BUDGETS, USER_FACING_CROSS_PARTITION_QUERIES } from '../shared/http/budgets.js';
import { demo } from '../shared/local/seed.js';
import { signingKeysSchema } from '../shared/platform/config.js';
import type { HttpDefinition } from '../shared/platform/definitions.js';
import { type OperationCounts, parseCounts } from '../shared/platform/operations.js';
import { localDate } from '../shared/store/dates.js';
import { api, sessionFor, tokenFor } from './helpers.js';
import { adminToken, birthDateIn, confirmedLink, mailedToken, newPerson, newStudent, type Person } from './people.js';

/**
 * Issue 11: every route of the route table is called once as a persona that gets its ordinary answer, and its Cosmos
 * operations (the x-cosmos-ops header, counted on the wire) are held against the budget table beside the routes
 * (shared/http/budgets.ts). State-changing calls act on fresh people, so the other files on the shared host are not
 * disturbed.
 */

interface Probe {
  method: string;
  path: string;
  token?: string;
  json?: unknown;
  /** A raw body (uploads). */
  body?: Uint8Array;
  headers?: Record<string, string>;
  /** The answer that shows the route did its ordinary work. */
  status: number;
}

const EE = demo.schools.ee;
const BUDGET_PDF = new TextEncoder().encode('%PDF-1.4\n%%EOF\n');
const ip = () => `10.77.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
const today = () => new Date().toISOString().slice(0, 10);

let parent: Person;
let child: Person & { personalCode: string };
let linkId: string;

/** PRIV-1's view, measured with its counts made: the first view asks the queue for them (`preparing` until then). */
async function countedView(path: string, token: string): Promise<Probe> {
  await vi.waitFor(async () => expect((await api(path, { token })).body.preparing).toBeUndefined(), { timeout: 30_000, interval: 250 });
  return { method: 'GET', path, token, status: 200 };
}

let journal: Promise<string> | undefined;
/** A journal of the class teacher's for the learning probes, with the fresh child among its students (created once). */
const learningJournal = () =>
  (journal ??= (async () => {
    const r = await api(`/api/schools/${EE}/subjects/mathematics/journals`, {
      method: 'POST',
      token: await tokenFor(demo.accounts.eeClassTeacher),
      json: { name: 'Budget journal', groupName: 'Budget group', studentIds: [child.accountId], workIds: ['work-ee-math-5'] },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id as string;
  })());
const teacherToken = () => tokenFor(demo.accounts.eeClassTeacher);
/** A fresh CMS work of the Estonian demo publisher, and content for it (issue 18). */
async function budgetWork(): Promise<string> {
  const slug = `budget-${randomUUID().slice(0, 8)}`;
  const r = await api(`/api/cms/publishers/${demo.publishers.ee}/works`, {
    method: 'POST',
    token: await tokenFor(demo.accounts.cmsAuthor),
    json: { slug, title: 'Budget work', language: 'et', subjects: ['mathematics'], country: 'EE' },
  });
  expect(r.status).toBe(201);
  return r.body.workId as string;
}
const budgetContent = () => exampleWorkContent('Budget work');
/** A newsletter to the Finnish school administrators who consented (MKT-1): few or none on the shared host. */
const budgetMailing = {
  kind: 'marketing',
  audience: { country: 'FI', roles: ['schoolAdmin'] },
  content: Object.fromEntries(['et', 'fi', 'en'].map((l) => [l, { subject: `Budget ${l}`, text: 'Budget probe newsletter.' }])),
};
async function newMailing(): Promise<string> {
  const r = await api('/api/ops/mailings', { method: 'POST', token: await tokenFor(demo.accounts.operatorAdmin), json: budgetMailing });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
}
let draft: Promise<string> | undefined;
const draftMailing = () => (draft ??= newMailing());
/** A school of the probes' own (no members, so licence fan-outs reach no one the other files use), made once. */
let budgetSchoolId: string | undefined;
async function budgetSchool(): Promise<string> {
  if (budgetSchoolId) return budgetSchoolId;
  const created = await api('/api/ops/schools', {
    method: 'POST',
    token: await tokenFor(demo.accounts.operatorAdmin),
    json: { name: 'Budget Probe School', country: 'FI', registryCode: `1.2.246.${Date.now()}` },
  });
  expect(created.status).toBe(201);
  return (budgetSchoolId = created.body.id as string);
}

const budgetLicence = async () => ({
  publisherId: demo.publishers.fi,
  workId: 'work-fi-math-7',
  period: { schoolYear: '2026/2027' },
  audience: { kind: 'school' },
  reference: { kind: 'contract', reference: `BUDGET-${randomUUID().slice(0, 6)}` },
});

async function schoolLicenceForBudget(): Promise<string> {
  const recorded = await api(`/api/ops/schools/${await budgetSchool()}/licences`, {
    method: 'POST',
    token: await tokenFor(demo.accounts.operatorAdmin),
    json: await budgetLicence(),
  });
  expect(recorded.status).toBe(201);
  return recorded.body.id as string;
}

let exportOfParent: Promise<string> | undefined;
/** The parent's data export, built by the queue function (PRIV-2): its id, once it is ready. */
const readyExport = () =>
  (exportOfParent ??= (async () => {
    const started = await api('/api/me/privacy/exports', { method: 'POST', token: parent.token });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const id = encodeURIComponent(started.body.id as string);
    for (let tries = 0; tries < 150; tries++) {
      if ((await api(`/api/me/privacy/exports/${id}`, { token: parent.token })).body.status === 'ready') return id;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error('the export did not become ready');
  })());

/** Opens a data-subject request for a probe (PRIV-7) and answers its id. */
async function rightsRequest(token: string, path: string, json: unknown): Promise<string> {
  const made = await api(path, { method: 'POST', token, json });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return made.body.id as string;
}

let childExport: Promise<string> | undefined;
/**
 * The export of the child's data that the parent's export request started (PRIV-7 fulfilled by PRIV-2): the parent
 * asks, the school approves, the fulfiller starts the job `export:<requestId>`.
 */
const exportForChild = () =>
  (childExport ??= (async () => {
    const made = await api(`/api/children/${child.accountId}/privacy/requests`, {
      method: 'POST',
      token: parent.token,
      json: { requestType: 'export' },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const requestId = made.body.id as string;
    const decided = await api(`/api/schools/${EE}/privacy/requests/${encodeURIComponent(requestId)}/decision`, {
      method: 'POST',
      token: await adminToken(),
      json: { outcome: 'approve', reason: 'Budget probe' },
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const id = encodeURIComponent(`export:${requestId}`);
    // The fulfilment queue starts the export a moment after the decision answers (it first checks the child's schools).
    for (let i = 0; i < 100; i++)
      if ((await api(`/api/children/${child.accountId}/privacy/exports/${id}`, { token: parent.token })).status !== 404) break;
    return id;
  })());

/** How each route is called (by function name). */
const probes: Record<string, () => Promise<Probe>> = {
  // --- p-consent (PRIV-4, PRIV-6, PRIV-8) ---
  'accounts-close': async () => {
    const person = await newPerson('Budgetcloses');
    return {
      method: 'POST',
      path: '/api/me/account/close',
      token: person.token,
      json: { confirm: true, password: 'a long test password 42' },
      headers: { 'x-forwarded-for': ip() },
      status: 200,
    };
  },
  'children-processing-get': async () => ({
    method: 'GET',
    path: `/api/children/${child.accountId}/privacy/processing`,
    token: parent.token,
    status: 200,
  }),
  'children-processing-history': async () => ({
    method: 'GET',
    path: `/api/children/${child.accountId}/privacy/processing/history`,
    token: parent.token,
    status: 200,
  }),
  'children-processing-update': async () => ({
    method: 'PUT',
    path: `/api/children/${child.accountId}/privacy/processing`,
    token: parent.token,
    json: { restricted: false, objections: { usageAnalytics: true, outcomeKeeping: false, directMarketing: false } },
    status: 200,
  }),
  'children-consents-list': async () => ({ method: 'GET', path: `/api/children/${child.accountId}/consents`, token: parent.token, status: 200 }),
  'children-consents-set': async () => ({
    method: 'POST',
    path: `/api/children/${child.accountId}/consents`,
    token: parent.token,
    json: { purpose: 'productResearch', given: true },
    status: 200,
  }),
  'consents-history': async () => ({ method: 'GET', path: '/api/me/consents/history', token: parent.token, status: 200 }),
  'consents-list': async () => ({ method: 'GET', path: '/api/me/consents', token: parent.token, status: 200 }),
  'consents-set': async () => ({
    method: 'POST',
    path: '/api/me/consents',
    token: parent.token,
    json: { purpose: 'newsletter', given: true },
    status: 200,
  }),
  'consents-unsubscribe': async () => ({
    method: 'POST',
    path: `/api/unsubscribe?token=${unsubscribeToken(signingKeysSchema.parse(inject('unsubscribeKeys')), parent.accountId, 'productResearch')}`,
    body: new TextEncoder().encode('List-Unsubscribe=One-Click'),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 200,
  }),
  'consents-unsubscribe-page': async () => ({
    method: 'GET',
    path: `/api/unsubscribe?token=${unsubscribeToken(signingKeysSchema.parse(inject('unsubscribeKeys')), parent.accountId, 'newsletter')}`,
    status: 200,
  }),
  'privacy-processing-get': async () => ({ method: 'GET', path: '/api/me/privacy/processing', token: child.token, status: 200 }),
  'privacy-processing-history': async () => ({ method: 'GET', path: '/api/me/privacy/processing/history', token: parent.token, status: 200 }),
  'privacy-processing-update': async () => ({
    method: 'PUT',
    path: '/api/me/privacy/processing',
    token: parent.token,
    json: { restricted: false, objections: { usageAnalytics: false, outcomeKeeping: true, directMarketing: false } },
    status: 200,
  }),
  'schools-members-close': async () => {
    const student = await newStudent('Budgetleaves', birthDateIn(2013));
    return {
      method: 'POST',
      path: `/api/schools/${EE}/members/${student.accountId}/close-account`,
      token: await adminToken(),
      json: { confirm: true },
      status: 200,
    };
  },
  // --- end p-consent ---
  'accounts-audit-list': async () => ({ method: 'GET', path: '/api/me/audit', token: child.token, status: 200 }),
  'accounts-children-list': async () => ({ method: 'GET', path: '/api/me/children', token: parent.token, status: 200 }),
  'accounts-children-request': async () => {
    const other = await newStudent('Budgetkid', birthDateIn(2014));
    return {
      method: 'POST',
      path: '/api/me/children',
      token: parent.token,
      json: { personalCode: { country: 'EE', code: other.personalCode } },
      status: 202,
    };
  },
  'accounts-login-log': async () => ({ method: 'GET', path: '/api/me/login-log', token: child.token, status: 200 }),
  'accounts-logins-list': async () => ({ method: 'GET', path: '/api/me/logins', token: child.token, status: 200 }),
  'accounts-logins-unlink': async () => {
    // The person's only login: refused (never the last), after the route's reads.
    const logins = await api('/api/me/logins', { token: child.token });
    return { method: 'DELETE', path: `/api/me/logins/${encodeURIComponent(logins.body.logins[0].id)}`, token: child.token, status: 409 };
  },
  'accounts-sessions-list': async () => ({ method: 'GET', path: '/api/me/sessions', token: child.token, status: 200 }),
  'accounts-sessions-end': async () => {
    const other = await sessionFor(child.accountId);
    return { method: 'DELETE', path: `/api/me/sessions/${other.sessionId}`, token: child.token, status: 204 };
  },
  'accounts-sessions-end-others': async () => {
    const person = await newPerson('Budgetends');
    await sessionFor(person.accountId);
    return { method: 'POST', path: '/api/me/sessions/end-others', token: person.token, status: 200 };
  },
  'accounts-me': async () => ({ method: 'GET', path: '/api/me', token: child.token, status: 200 }),
  'accounts-parents-list': async () => ({ method: 'GET', path: '/api/me/parents', token: child.token, status: 200 }),
  'accounts-parents-request': async () => {
    const student = await newStudent('Budgetasks', birthDateIn(2012));
    return { method: 'POST', path: '/api/me/parents', token: student.token, json: { parentEmail: parent.email }, status: 202 };
  },
  'accounts-password-change': async () => {
    const person = await newPerson('Budgetpw');
    return {
      method: 'POST',
      path: '/api/me/password',
      token: person.token,
      json: { currentPassword: 'a long test password 42', newPassword: 'another long password 43' },
      headers: { 'x-forwarded-for': ip() },
      status: 200,
    };
  },
  'accounts-preferences-update': async () => ({
    method: 'PATCH',
    path: '/api/me/preferences',
    token: parent.token,
    json: { language: 'et' },
    status: 200,
  }),
  'accounts-privacy-get': async () => ({ method: 'GET', path: '/api/me/privacy', token: child.token, status: 200 }),
  'accounts-privacy-update': async () => ({
    method: 'PUT',
    path: '/api/me/privacy',
    token: parent.token,
    json: { shareWithParents: true, shareWithPublishers: false },
    status: 200,
  }),
  'accounts-profile-update': async () => ({
    method: 'PATCH',
    path: '/api/me/profile',
    token: parent.token,
    json: { firstName: 'Budget' },
    status: 200,
  }),
  'auth-callback': async () => ({ method: 'GET', path: '/api/auth/google/callback?code=x&state=y', status: 303 }),
  'auth-link': async () => ({ method: 'POST', path: '/api/auth/google/link', token: parent.token, json: {}, status: 200 }),
  'auth-login': async () => ({ method: 'GET', path: '/api/auth/google/login?returnTo=/shop', status: 302 }),
  'auth-logout': async () => {
    const person = await sessionFor(demo.accounts.eeStudent2);
    return { method: 'POST', path: '/api/auth/logout', token: person.accessToken, status: 204 };
  },
  'auth-password-login': async () => ({
    method: 'POST',
    path: '/api/auth/password/login',
    json: { email: parent.email, password: 'a long test password 42' },
    headers: { 'x-session-delivery': 'body', 'x-forwarded-for': ip() },
    status: 200,
  }),
  'auth-password-reset': async () => {
    const person = await newPerson('Budgetreset');
    expect(
      (await api('/api/auth/password/reset-request', { method: 'POST', json: { email: person.email }, headers: { 'x-forwarded-for': ip() } })).status,
    ).toBe(202);
    const token = await mailedToken(person.email, /parool|password|salasana/i);
    return { method: 'POST', path: '/api/auth/password/reset', json: { token, password: 'a brand new password 44' }, status: 200 };
  },
  'auth-password-reset-request': async () => ({
    method: 'POST',
    path: '/api/auth/password/reset-request',
    json: { email: parent.email },
    headers: { 'x-forwarded-for': ip() },
    status: 202,
  }),
  'auth-password-signup': async () => ({
    method: 'POST',
    path: '/api/auth/password/signup',
    json: { email: `budget-${randomUUID()}@example.com`, password: 'a long test password 42', firstName: 'Budget', lastName: 'Test' },
    headers: { 'x-forwarded-for': ip() },
    status: 202,
  }),
  'auth-password-verify': async () => {
    const email = `budget-verify-${randomUUID()}@example.com`;
    const signup = await api('/api/auth/password/signup', {
      method: 'POST',
      json: { email, password: 'a long test password 42', firstName: 'Budget', lastName: 'Test' },
      headers: { 'x-forwarded-for': ip() },
    });
    expect(signup.status).toBe(202);
    return { method: 'POST', path: '/api/auth/password/verify', json: { token: await mailedToken(email, /./) }, status: 200 };
  },
  'auth-refresh': async () => {
    const session = await sessionFor(child.accountId);
    return { method: 'POST', path: '/api/auth/refresh', json: { refreshToken: session.refreshToken }, status: 200 };
  },
  'auth-session': async () => ({ method: 'GET', path: '/api/auth/session', token: child.token, status: 200 }),
  'catalog-list': async () => ({ method: 'GET', path: '/api/catalog', status: 200 }),
  'events-post': async () => ({
    method: 'POST',
    path: '/api/events',
    token: child.token,
    json: {
      batchId: randomUUID(),
      events: [{ kind: 'page-view', at: new Date().toISOString(), workId: 'work-ee-math-5', chapterId: 'ch-1', seconds: 20 }],
    },
    status: 202,
  }),
  'children-get': async () => ({ method: 'GET', path: `/api/children/${child.accountId}`, token: parent.token, status: 200 }),
  'children-privacy-get': async () => ({ method: 'GET', path: `/api/children/${child.accountId}/privacy`, token: parent.token, status: 200 }),
  'children-privacy-update': async () => ({
    method: 'PUT',
    path: `/api/children/${child.accountId}/privacy`,
    token: parent.token,
    json: { shareWithParents: true, shareWithPublishers: false },
    status: 200,
  }),
  'content-catalog-search': async () => ({ method: 'GET', path: '/api/catalog/search?q=matem&subject=mathematics', token: child.token, status: 200 }),
  'content-drafts-chapter-save': async () => {
    const workId = await budgetWork();
    return {
      method: 'PUT',
      path: `/api/cms/publishers/${demo.publishers.ee}/works/${workId}/draft/chapters/ch-1`,
      token: await tokenFor(demo.accounts.cmsAuthor),
      json: { chapter: budgetContent().chapters[0] },
      status: 200,
    };
  },
  'stats-municipality': async () => ({
    method: 'GET',
    path: '/api/stats/municipality/usage?from=2026-01&to=2026-03',
    token: await tokenFor(demo.accounts.municipality),
    status: 200,
  }),
  'stats-municipality-csv': async () => ({
    method: 'GET',
    path: '/api/stats/municipality/usage.csv?from=2026-01&to=2026-03',
    token: await tokenFor(demo.accounts.municipality),
    status: 200,
  }),
  'stats-national': async () => ({
    method: 'GET',
    path: '/api/ops/stats/national?from=2026-01&to=2026-03',
    token: await tokenFor(demo.accounts.operatorAdmin),
    status: 200,
  }),
  'stats-national-csv': async () => ({
    method: 'GET',
    path: '/api/ops/stats/national.csv?from=2026-01&to=2026-03',
    token: await tokenFor(demo.accounts.operatorAdmin),
    status: 200,
  }),
  'stats-publisher': async () => ({
    method: 'GET',
    path: `/api/stats/publishers/${demo.publishers.ee}/usage?from=2026-01&to=2026-03`,
    token: await tokenFor(demo.accounts.cmsAuthor),
    status: 200,
  }),
  'stats-publisher-csv': async () => ({
    method: 'GET',
    path: `/api/stats/publishers/${demo.publishers.ee}/usage.csv?from=2026-01&to=2026-03`,
    token: await tokenFor(demo.accounts.cmsAuthor),
    status: 200,
  }),
  'content-drafts-get': async () => ({
    method: 'GET',
    path: `/api/cms/publishers/${demo.publishers.ee}/works/${demo.contentWork}/draft`,
    token: await tokenFor(demo.accounts.cmsAuthor),
    status: 200,
  }),
  'content-drafts-save': async () => {
    const workId = await budgetWork();
    return {
      method: 'PUT',
      path: `/api/cms/publishers/${demo.publishers.ee}/works/${workId}/draft`,
      token: await tokenFor(demo.accounts.cmsAuthor),
      json: { content: budgetContent() },
      status: 200,
    };
  },
  'content-search': async () => ({
    method: 'GET',
    path: `/api/works/${demo.contentWork}/versions/1/search?q=arvud`,
    token: await tokenFor(demo.accounts.eeStudent),
    status: 200,
  }),
  'content-version-get': async () => ({
    method: 'GET',
    path: `/api/works/${demo.contentWork}/versions/1?chapter=ch-1`,
    token: await tokenFor(demo.accounts.eeStudent),
    status: 200,
  }),
  'content-works-create': async () => ({
    method: 'POST',
    path: `/api/cms/publishers/${demo.publishers.ee}/works`,
    token: await tokenFor(demo.accounts.cmsAuthor),
    json: { slug: `budget-${randomUUID().slice(0, 8)}`, title: 'Budget', language: 'et', subjects: ['mathematics'], country: 'EE' },
    status: 201,
  }),
  'content-works-get': async () => ({
    method: 'GET',
    path: `/api/cms/publishers/${demo.publishers.ee}/works/${demo.contentWork}`,
    token: await tokenFor(demo.accounts.cmsAuthor),
    status: 200,
  }),
  'content-works-open': async () => ({
    method: 'GET',
    path: `/api/works/${demo.contentWork}`,
    token: await tokenFor(demo.accounts.eeStudent),
    status: 200,
  }),
  'content-works-publish': async () => {
    const workId = await budgetWork();
    const saved = await api(`/api/cms/publishers/${demo.publishers.ee}/works/${workId}/draft`, {
      method: 'PUT',
      token: await tokenFor(demo.accounts.cmsAuthor),
      json: { content: budgetContent() },
    });
    expect(saved.status).toBe(200);
    return {
      method: 'POST',
      path: `/api/cms/publishers/${demo.publishers.ee}/works/${workId}/publish`,
      token: await tokenFor(demo.accounts.cmsEditor),
      json: {},
      status: 201,
    };
  },
  'docs-asset-get': async () => ({ method: 'GET', path: '/api/docs/swagger-ui.css', status: 200 }),
  'docs-get': async () => ({ method: 'GET', path: '/api/docs', status: 200 }),
  'health-get': async () => ({ method: 'GET', path: '/api/health', status: 200 }),
  'http-not-found': async () => ({ method: 'GET', path: '/api/no-such-thing', status: 404 }),
  'invitations-accept': async () => {
    const person = await newPerson('Budgetjoin');
    const invite = await api(`/api/schools/${EE}/invitations`, {
      method: 'POST',
      token: await adminToken(),
      json: { email: person.email, role: 'student', classId: demo.classes.ee5a },
    });
    expect(invite.status).toBe(201);
    return {
      method: 'POST',
      path: '/api/invitations/accept',
      token: person.token,
      json: { token: await mailedToken(person.email, /Kutse kooli/) },
      status: 200,
    };
  },
  'learning-answers-delete': async () => ({
    method: 'DELETE',
    path: `/api/schools/${EE}/journals/${await learningJournal()}/tasks/t-none/answers/${child.accountId}`,
    token: await teacherToken(),
    status: 404,
  }),
  'learning-answers-save': async () => ({
    method: 'PUT',
    path: `/api/schools/${EE}/tasks/t-none/answer`,
    token: child.token,
    json: { responses: {}, submit: true },
    status: 404,
  }),
  'learning-children-history': async () => ({
    method: 'GET',
    path: `/api/children/${child.accountId}/study-history`,
    token: parent.token,
    status: 200,
  }),
  'learning-children-tasks': async () => ({ method: 'GET', path: `/api/children/${child.accountId}/tasks`, token: parent.token, status: 200 }),
  'learning-feedback-give': async () => ({
    method: 'PUT',
    path: `/api/schools/${EE}/journals/${await learningJournal()}/tasks/t-none/answers/${child.accountId}/feedback`,
    token: await teacherToken(),
    json: { grade: 5, publish: true },
    status: 404,
  }),
  'learning-history-mine': async () => ({ method: 'GET', path: '/api/me/study-history', token: child.token, status: 200 }),
  'learning-journals-create': async () => ({
    method: 'POST',
    path: `/api/schools/${EE}/subjects/mathematics/journals`,
    token: await teacherToken(),
    json: { name: 'Budget class journal', classId: demo.classes.ee6b, workIds: ['work-ee-math-6'] },
    headers: { 'idempotency-key': `budget-${randomUUID()}` },
    status: 201,
  }),
  'learning-journals-get': async () => ({
    method: 'GET',
    path: `/api/schools/${EE}/journals/${await learningJournal()}`,
    token: await teacherToken(),
    status: 200,
  }),
  'learning-journals-list': async () => ({ method: 'GET', path: `/api/schools/${EE}/journals`, token: await adminToken(), status: 200 }),
  'learning-journals-stats': async () => ({
    method: 'GET',
    path: `/api/schools/${EE}/journals/${await learningJournal()}/stats`,
    token: await teacherToken(),
    status: 200,
  }),
  'learning-journals-update': async () => ({
    method: 'PATCH',
    path: `/api/schools/${EE}/journals/${await learningJournal()}`,
    token: await teacherToken(),
    json: { name: `Budget journal ${randomUUID()}` },
    status: 200,
  }),
  'learning-tasks-answers-list': async () => ({
    method: 'GET',
    path: `/api/schools/${EE}/journals/${await learningJournal()}/tasks/t-none/answers`,
    token: await teacherToken(),
    status: 200,
  }),
  'learning-tasks-create': async () => ({
    method: 'POST',
    path: `/api/schools/${EE}/journals/${await learningJournal()}/tasks`,
    token: await teacherToken(),
    json: { title: 'Budget task', workId: 'work-ee-math-5', exerciseIds: ['ex-1'], dueAt: new Date(Date.now() + 86_400_000).toISOString() },
    status: 422,
  }),
  'learning-tasks-get': async () => ({ method: 'GET', path: `/api/schools/${EE}/tasks/t-none`, token: child.token, status: 404 }),
  'learning-children-stats': async () => ({ method: 'GET', path: `/api/children/${child.accountId}/stats`, token: parent.token, status: 200 }),
  'learning-stats-mine': async () => ({ method: 'GET', path: '/api/me/stats', token: child.token, status: 200 }),
  'learning-tasks-stats': async () => ({
    method: 'GET',
    path: `/api/schools/${EE}/journals/${await learningJournal()}/tasks/t-none/stats`,
    token: await teacherToken(),
    status: 404,
  }),
  'learning-tasks-teacher-get': async () => ({
    method: 'GET',
    path: `/api/schools/${EE}/journals/${await learningJournal()}/tasks/t-none`,
    token: await teacherToken(),
    status: 404,
  }),
  'learning-tasks-update': async () => ({
    method: 'PATCH',
    path: `/api/schools/${EE}/journals/${await learningJournal()}/tasks/t-none`,
    token: await teacherToken(),
    json: { title: 'Budget task' },
    status: 404,
  }),
  'learning-tasks-mine': async () => ({ method: 'GET', path: '/api/me/tasks', token: child.token, status: 200 }),
  // GPT-1: a licensed student of Kuusiku asks the local provider stand-in (the switch is read, the usage bucket written).
  'assistant-messages-send': async () => ({
    method: 'POST',
    path: '/api/assistant/messages',
    token: await tokenFor(demo.accounts.eeStudent),
    json: { text: 'What is a prime number?', deviceFingerprint: 'budget-probe-device-0001' },
    status: 200,
  }),
  'assistant-terms-get': async () => ({ method: 'GET', path: '/api/assistant/terms', status: 200 }),
  'assistant-reports-create': async () => ({
    method: 'POST',
    path: '/api/assistant/reports',
    token: await tokenFor(demo.accounts.eeStudent),
    json: { question: `Budget question ${randomUUID()}`, answer: 'A budget answer.', reason: 'wrong' },
    status: 202,
  }),
  // Switching it on where it is on: the global host's other files see no change.
  'schools-assistant-update': async () => ({
    method: 'PUT',
    path: `/api/schools/${EE}/assistant`,
    token: await adminToken(),
    json: { studentsEnabled: true },
    status: 200,
  }),
  // OPS-3: keeping Kuusiku's MPASSid trust as it is (off): the global host's other files see no change.
  'schools-mpassid-update': async () => ({
    method: 'PUT',
    path: `/api/schools/${EE}/mpassid`,
    token: await adminToken(),
    json: { trustMpassidRoles: false },
    status: 200,
  }),
  'licences-access': async () => ({ method: 'GET', path: '/api/licences/works/work-ee-math-5/access', token: child.token, status: 200 }),
  'licences-list': async () => ({ method: 'GET', path: '/api/licences', token: child.token, status: 200 }),
  'openapi-get': async () => ({ method: 'GET', path: '/api/openapi.json', status: 200 }),
  'ops-accounts-get': async () => ({
    method: 'GET',
    path: `/api/ops/accounts/${child.accountId}`,
    token: await tokenFor(demo.accounts.staff),
    status: 200,
  }),
  'journals-materials-content': async () => ({
    method: 'GET',
    path: `/api/schools/${EE}/journals/journal-none/materials/${demo.accounts.eeTeacher}/material-none-0001/content`,
    token: await tokenFor(demo.accounts.eeStudent),
    status: 404,
  }),
  'journals-materials-list': async () => ({
    method: 'GET',
    path: `/api/schools/${EE}/journals/journal-none/materials`,
    token: await tokenFor(demo.accounts.eeStudent),
    status: 404,
  }),
  'materials-annotations-create': async () => ({
    method: 'POST',
    path: `/api/accounts/${child.accountId}/works/work-budget/annotations`,
    token: child.token,
    json: { kind: 'note', position: { pageId: 'p-1' }, text: 'Budget' },
    status: 201,
  }),
  'materials-annotations-delete': async () => {
    const note = await api(`/api/accounts/${child.accountId}/works/work-budget/annotations`, {
      method: 'POST',
      token: child.token,
      json: { kind: 'bookmark', position: { pageId: 'p-2' } },
    });
    return {
      method: 'DELETE',
      path: `/api/accounts/${child.accountId}/annotations/${note.body.id}`,
      token: child.token,
      headers: { 'if-match': note.body.etag },
      status: 204,
    };
  },
  'materials-annotations-list': async () => ({
    method: 'GET',
    path: `/api/accounts/${child.accountId}/works/work-budget/annotations`,
    token: parent.token,
    status: 200,
  }),
  'materials-annotations-update': async () => {
    const note = await api(`/api/accounts/${child.accountId}/works/work-budget/annotations`, {
      method: 'POST',
      token: child.token,
      json: { kind: 'bookmark', position: { pageId: 'p-3' } },
    });
    return {
      method: 'PATCH',
      path: `/api/accounts/${child.accountId}/annotations/${note.body.id}`,
      token: child.token,
      headers: { 'if-match': note.body.etag },
      json: { text: 'Budget' },
      status: 200,
    };
  },
  'materials-content': async () => {
    const id = randomUUID();
    expect(
      (await api(`/api/accounts/${child.accountId}/materials/${id}?name=budget.pdf`, { method: 'PUT', token: child.token, body: BUDGET_PDF })).status,
    ).toBe(201);
    return { method: 'GET', path: `/api/accounts/${child.accountId}/materials/${id}/content`, token: parent.token, status: 200 };
  },
  'materials-delete': async () => {
    const id = randomUUID();
    expect(
      (await api(`/api/accounts/${child.accountId}/materials/${id}?name=budget.pdf`, { method: 'PUT', token: child.token, body: BUDGET_PDF })).status,
    ).toBe(201);
    return { method: 'DELETE', path: `/api/accounts/${child.accountId}/materials/${id}`, token: child.token, status: 204 };
  },
  'materials-list': async () => ({ method: 'GET', path: `/api/accounts/${child.accountId}/materials`, token: parent.token, status: 200 }),
  'materials-progress-get': async () => ({
    method: 'GET',
    path: `/api/accounts/${child.accountId}/works/work-budget/progress`,
    token: parent.token,
    status: 200,
  }),
  'materials-progress-record': async () => ({
    method: 'POST',
    path: `/api/accounts/${child.accountId}/works/work-budget/progress`,
    token: child.token,
    json: { events: [{ positionId: `p-${randomUUID()}`, kind: 'page', state: 'visited' }] },
    status: 200,
  }),
  'materials-share': async () => {
    const teacher = await tokenFor(demo.accounts.eeTeacher);
    return { method: 'PUT', path: `/api/schools/${EE}/journals/journal-none/materials/material-none-0001`, token: teacher, status: 404 };
  },
  'materials-unshare': async () => {
    const teacher = await tokenFor(demo.accounts.eeTeacher);
    const id = randomUUID();
    expect(
      (await api(`/api/accounts/${demo.accounts.eeTeacher}/materials/${id}?name=budget.pdf`, { method: 'PUT', token: teacher, body: BUDGET_PDF }))
        .status,
    ).toBe(201);
    return { method: 'DELETE', path: `/api/schools/${EE}/journals/journal-none/materials/${id}`, token: teacher, status: 204 };
  },
  'materials-texts-get': async () => ({
    method: 'GET',
    path: `/api/accounts/${child.accountId}/texts/material-none-0001`,
    token: child.token,
    status: 404,
  }),
  'materials-texts-save': async () => ({
    method: 'PUT',
    path: `/api/accounts/${child.accountId}/texts/${randomUUID()}`,
    token: child.token,
    json: { title: 'Budget', body: 'Budget text.' },
    status: 201,
  }),
  'materials-upload': async () => ({
    method: 'PUT',
    path: `/api/accounts/${child.accountId}/materials/${randomUUID()}?name=budget.pdf`,
    token: child.token,
    body: BUDGET_PDF,
    status: 201,
  }),
  'ops-accounts-reinstate': async () => {
    const person = await newPerson('Budgetreinstate');
    const staff = await tokenFor(demo.accounts.staff);
    expect(
      (await api(`/api/ops/accounts/${person.accountId}/suspend`, { method: 'POST', token: staff, json: { reason: 'unusual-usage' } })).status,
    ).toBe(200);
    return { method: 'POST', path: `/api/ops/accounts/${person.accountId}/reinstate`, token: staff, json: {}, status: 200 };
  },
  'ops-accounts-suspend': async () => {
    const person = await newPerson('Budgetsuspend');
    return {
      method: 'POST',
      path: `/api/ops/accounts/${person.accountId}/suspend`,
      token: await tokenFor(demo.accounts.staff),
      json: { reason: 'unusual-usage' },
      status: 200,
    };
  },
  'ops-invoices-record-payment': async () => ({
    method: 'POST',
    path: '/api/ops/invoices/1999-00001/payments',
    token: await tokenFor(demo.accounts.staff),
    json: { bankEntryId: `b-${randomUUID()}`, amountCents: 100, receivedOn: today() },
    status: 404,
  }),
  'ops-orders-cancel': async () => ({
    method: 'POST',
    path: `/api/ops/orders/${parent.accountId}/order-none/cancel`,
    token: await tokenFor(demo.accounts.staff),
    json: { reason: 'operator' },
    status: 404,
  }),
  'ops-orders-flag-resolve': async () => ({
    method: 'POST',
    path: `/api/ops/orders/${parent.accountId}/order-none/flags/none/resolve`,
    token: await tokenFor(demo.accounts.staff),
    json: { resolution: 'checked with the bank' },
    status: 404,
  }),
  'ops-orders-flagged': async () => ({ method: 'GET', path: '/api/ops/orders/flagged', token: await tokenFor(demo.accounts.staff), status: 200 }),
  'ops-support-list': async () => ({
    method: 'GET',
    path: `/api/ops/accounts/${parent.accountId}/support-requests`,
    token: await tokenFor(demo.accounts.staff),
    status: 200,
  }),
  'ops-support-reply': async () => {
    const created = await api('/api/me/support-requests', {
      method: 'POST',
      token: parent.token,
      json: { subject: 'Budget question', message: 'Hello' },
    });
    expect(created.status).toBe(201);
    return {
      method: 'POST',
      path: `/api/ops/accounts/${parent.accountId}/support-requests/${created.body.id}/replies`,
      token: await tokenFor(demo.accounts.staff),
      json: { message: 'Hi' },
      status: 200,
    };
  },
  'ops-works-withdraw': async () => ({
    method: 'POST',
    path: `/api/ops/publishers/${demo.publishers.ee}/works/work-none/withdraw`,
    token: await tokenFor(demo.accounts.cmsEditor),
    json: { reason: 'rights-ended' },
    status: 404,
  }),
  'ops-works-withdraw-cancel': async () => ({
    method: 'POST',
    path: `/api/ops/publishers/${demo.publishers.ee}/works/work-none/withdraw/cancel`,
    token: await tokenFor(demo.accounts.cmsEditor),
    json: {},
    status: 404,
  }),
  'ops-accounts-roles': async () => ({
    method: 'POST',
    path: `/api/ops/accounts/${(await newPerson('Budgetauthor')).accountId}/roles`,
    token: await tokenFor(demo.accounts.operatorAdmin),
    json: { kind: 'publisher', publisherId: demo.publishers.fi, role: 'author' },
    status: 200,
  }),
  'ops-publishers-create': async () => ({
    method: 'POST',
    path: '/api/ops/publishers',
    token: await tokenFor(demo.accounts.operatorAdmin),
    json: { name: 'Budget Publisher', country: 'FI', registryCode: `${1000000 + Math.floor(Math.random() * 8999999)}-1` },
    status: 201,
  }),
  'ops-schools-create': async () => ({
    method: 'POST',
    path: '/api/ops/schools',
    token: await tokenFor(demo.accounts.operatorAdmin),
    json: { name: 'Budget School', country: 'EE', registryCode: `7${Math.floor(Math.random() * 9999999)}`, municipality: 'Tartu' },
    status: 201,
  }),
  'ops-schools-first-admin': async () => ({
    method: 'POST',
    path: `/api/ops/schools/${await budgetSchool()}/first-admin`,
    token: await tokenFor(demo.accounts.operatorAdmin),
    json: { email: `budget-admin-${randomUUID()}@example.com` },
    status: 201,
  }),
  'ops-schools-update': async () => ({
    method: 'PATCH',
    path: `/api/ops/schools/${await budgetSchool()}`,
    token: await tokenFor(demo.accounts.operatorAdmin),
    json: { municipality: `Espoo ${randomUUID().slice(0, 4)}` },
    status: 200,
  }),
  'ops-school-licences-record': async () => ({
    method: 'POST',
    path: `/api/ops/schools/${await budgetSchool()}/licences`,
    token: await tokenFor(demo.accounts.operatorAdmin),
    json: await budgetLicence(),
    status: 201,
  }),
  'ops-school-licences-change': async () => {
    const licence = await schoolLicenceForBudget();
    return {
      method: 'PATCH',
      path: `/api/ops/schools/${await budgetSchool()}/licences/${encodeURIComponent(licence)}`,
      token: await tokenFor(demo.accounts.operatorAdmin),
      json: { seats: 10 },
      status: 200,
    };
  },
  'ops-school-licences-end': async () => {
    const licence = await schoolLicenceForBudget();
    return {
      method: 'POST',
      path: `/api/ops/schools/${await budgetSchool()}/licences/${encodeURIComponent(licence)}/end`,
      token: await tokenFor(demo.accounts.operatorAdmin),
      json: { reason: 'budget probe' },
      status: 200,
    };
  },
  'ops-school-licences-list': async () => ({
    method: 'GET',
    path: `/api/ops/schools/${await budgetSchool()}/licences`,
    token: await tokenFor(demo.accounts.operatorAdmin),
    status: 200,
  }),
  'schools-classes-create': async () => ({
    method: 'POST',
    path: `/api/schools/${EE}/classes`,
    token: await adminToken(),
    json: { name: `B${randomUUID().slice(0, 6)}`, grade: 7, schoolYear: '2026/2027' },
    status: 201,
  }),
  'schools-licences-list': async () => ({ method: 'GET', path: `/api/schools/${EE}/licences`, token: await adminToken(), status: 200 }),
  'payments-methods': async () => ({ method: 'GET', path: '/api/payments/methods?country=EE', status: 200 }),
  'payments-notify': async () => ({ method: 'POST', path: '/api/payments/maksekeskus/notification', json: { json: '{}', mac: 'AB' }, status: 400 }),
  'payments-return': async () => ({ method: 'GET', path: '/api/payments/maksekeskus/return', status: 303 }),
  // p-requests (issue 12, PRIV-7, PRIV-1): each request probe uses a type of its own, so the one-open-per-type rule
  // never answers 409 here.
  'rights-me-data': async () => countedView('/api/me/privacy/data', child.token),
  'rights-children-data': async () => countedView(`/api/children/${child.accountId}/privacy/data`, parent.token),
  'rights-me-create': async () => ({
    method: 'POST',
    path: '/api/me/privacy/requests',
    token: child.token,
    json: { requestType: 'access' },
    status: 201,
  }),
  'rights-me-list': async () => ({ method: 'GET', path: '/api/me/privacy/requests', token: child.token, status: 200 }),
  'rights-me-get': async () => {
    const id = await rightsRequest(child.token, '/api/me/privacy/requests', { requestType: 'objection' });
    return { method: 'GET', path: `/api/me/privacy/requests/${encodeURIComponent(id)}`, token: child.token, status: 200 };
  },
  'rights-me-cancel': async () => {
    const id = await rightsRequest(child.token, '/api/me/privacy/requests', { requestType: 'other', details: 'budget' });
    return { method: 'POST', path: `/api/me/privacy/requests/${encodeURIComponent(id)}/cancel`, token: child.token, json: {}, status: 200 };
  },
  'rights-children-create': async () => ({
    method: 'POST',
    path: `/api/children/${child.accountId}/privacy/requests`,
    token: parent.token,
    json: { requestType: 'erasure' },
    status: 201,
  }),
  'rights-children-cancel': async () => {
    const id = await rightsRequest(parent.token, `/api/children/${child.accountId}/privacy/requests`, { requestType: 'restriction' });
    return {
      method: 'POST',
      path: `/api/children/${child.accountId}/privacy/requests/${encodeURIComponent(id)}/cancel`,
      token: parent.token,
      json: {},
      status: 200,
    };
  },
  'rights-children-list': async () => ({
    method: 'GET',
    path: `/api/children/${child.accountId}/privacy/requests`,
    token: parent.token,
    status: 200,
  }),
  'rights-school-list': async () => ({ method: 'GET', path: `/api/schools/${EE}/privacy/requests`, token: await adminToken(), status: 200 }),
  'rights-school-create': async () => ({
    method: 'POST',
    path: `/api/schools/${EE}/privacy/requests`,
    token: await adminToken(),
    // Not account-closure: the school's request goes straight to processing and its fulfiller would close the child,
    // whom later probes still use ('other': the rights-me-cancel probe has freed that slot).
    json: { subjectAccountId: child.accountId, requestType: 'other' },
    status: 201,
  }),
  'rights-school-decide': async () => {
    const id = await rightsRequest(child.token, '/api/me/privacy/requests', { requestType: 'rectification', details: 'budget' });
    return {
      method: 'POST',
      path: `/api/schools/${EE}/privacy/requests/${encodeURIComponent(id)}/decision`,
      token: await adminToken(),
      json: { outcome: 'approve' },
      status: 200,
    };
  },
  'ops-jobs-list': async () => ({ method: 'GET', path: '/api/ops/jobs', token: await tokenFor(demo.accounts.privacyOfficer), status: 200 }),
  // PRIV-3 (issue 13): an account nobody erased has hashes and no evidence; a hash with no evidence is 404.
  'ops-erasures-find': async () => ({
    method: 'GET',
    path: `/api/ops/erasures?accountId=acc-budget-${randomUUID().slice(0, 8)}`,
    token: await tokenFor(demo.accounts.privacyOfficer),
    status: 200,
  }),
  'ops-erasures-get': async () => ({
    method: 'GET',
    path: `/api/ops/erasures/${'A'.repeat(32)}`,
    token: await tokenFor(demo.accounts.privacyOfficer),
    status: 404,
  }),
  'ops-assistant-reports-list': async () => ({
    method: 'GET',
    path: '/api/ops/assistant/reports',
    token: await tokenFor(demo.accounts.operatorAdmin),
    status: 200,
  }),
  // MKT-1, MKT-2 (issue 15)
  'ops-mailings-create': async () => ({
    method: 'POST',
    path: '/api/ops/mailings',
    token: await tokenFor(demo.accounts.operatorAdmin),
    json: budgetMailing,
    status: 201,
  }),
  'ops-mailings-get': async () => ({
    method: 'GET',
    path: `/api/ops/mailings/${await draftMailing()}`,
    token: await tokenFor(demo.accounts.operatorAdmin),
    status: 200,
  }),
  'ops-mailings-audience': async () => ({
    method: 'GET',
    path: `/api/ops/mailings/${await draftMailing()}/audience`,
    token: await tokenFor(demo.accounts.operatorAdmin),
    status: 200,
  }),
  'ops-mailings-send': async () => ({
    method: 'POST',
    path: `/api/ops/mailings/${await newMailing()}/send`,
    token: await tokenFor(demo.accounts.operatorAdmin),
    status: 202,
  }),
  'webhooks-sendgrid': async () => ({ method: 'POST', path: '/api/webhooks/sendgrid', json: [], status: 401 }),
  'rights-ops-queue': async () => ({
    method: 'GET',
    path: '/api/ops/privacy/requests',
    token: await tokenFor(demo.accounts.privacyOfficer),
    status: 200,
  }),
  'rights-ops-create': async () => ({
    method: 'POST',
    path: `/api/ops/privacy/requests/${child.accountId}`,
    token: await tokenFor(demo.accounts.privacyOfficer),
    json: { requestType: 'export', receivedVia: 'email', contact: { email: 'budget-letter@example.com', language: 'en' } },
    status: 201,
  }),
  'rights-ops-get': async () => {
    const person = await newPerson('Budgetrights');
    const id = await rightsRequest(person.token, '/api/me/privacy/requests', { requestType: 'access' });
    return {
      method: 'GET',
      path: `/api/ops/privacy/requests/${person.accountId}/${encodeURIComponent(id)}`,
      token: await tokenFor(demo.accounts.privacyOfficer),
      status: 200,
    };
  },
  'rights-ops-transition': async () => {
    const officer = await tokenFor(demo.accounts.privacyOfficer);
    const id = await rightsRequest(officer, `/api/ops/privacy/requests/${child.accountId}`, {
      requestType: 'consent-withdrawal',
      receivedVia: 'letter',
      contact: { email: 'budget-letter@example.com', language: 'en' },
    });
    return {
      method: 'POST',
      path: `/api/ops/privacy/requests/${child.accountId}/${encodeURIComponent(id)}/transitions`,
      token: officer,
      json: { to: 'verifying', reason: 'budget' },
      status: 200,
    };
  },
  'rights-ops-extend': async () => {
    const person = await newPerson('Budgetextend');
    const id = await rightsRequest(person.token, '/api/me/privacy/requests', { requestType: 'access' });
    return {
      method: 'POST',
      path: `/api/ops/privacy/requests/${person.accountId}/${encodeURIComponent(id)}/extension`,
      token: await tokenFor(demo.accounts.privacyOfficer),
      json: { days: 10, reason: 'budget' },
      status: 200,
    };
  },
  'rights-ops-complete': async () => {
    const person = await newPerson('Budgetcomplete');
    const id = await rightsRequest(person.token, '/api/me/privacy/requests', { requestType: 'export' });
    return {
      method: 'POST',
      path: `/api/ops/privacy/requests/${person.accountId}/${encodeURIComponent(id)}/complete`,
      token: await tokenFor(demo.accounts.privacyOfficer),
      json: { note: 'budget' },
      status: 200,
    };
  },
  'schools-get': async () => ({ method: 'GET', path: `/api/schools/${EE}`, token: await adminToken(), status: 200 }),
  'schools-invitations-confirm-claim': async () => ({
    method: 'POST',
    path: `/api/schools/${EE}/invitations/inv-none/claims/${child.accountId}/confirm`,
    token: await adminToken(),
    status: 404,
  }),
  'schools-invitations-create': async () => ({
    method: 'POST',
    path: `/api/schools/${EE}/invitations`,
    token: await adminToken(),
    json: { email: `budget-${randomUUID()}@example.com`, role: 'student', classId: demo.classes.ee5a },
    status: 201,
  }),
  'schools-invitations-list': async () => ({
    method: 'GET',
    path: `/api/schools/${EE}/invitations?status=pending`,
    token: await adminToken(),
    status: 200,
  }),
  'schools-invitations-revoke': async () => {
    const invite = await api(`/api/schools/${EE}/invitations`, {
      method: 'POST',
      token: await adminToken(),
      json: { email: `budget-${randomUUID()}@example.com`, role: 'student', classId: demo.classes.ee5a },
    });
    expect(invite.status).toBe(201);
    return { method: 'DELETE', path: `/api/schools/${EE}/invitations/${encodeURIComponent(invite.body.id)}`, token: await adminToken(), status: 204 };
  },
  'schools-members-end': async () => {
    const student = await newStudent('Budgetleaver', birthDateIn(2013));
    return {
      method: 'POST',
      path: `/api/schools/${EE}/members/${student.accountId}/end-role`,
      token: await adminToken(),
      json: { role: 'student', classId: demo.classes.ee5a },
      status: 200,
    };
  },
  'schools-members-get': async () => ({
    method: 'GET',
    path: `/api/schools/${EE}/members/${child.accountId}`,
    token: await adminToken(),
    status: 200,
  }),
  'schools-members-list': async () => ({
    method: 'GET',
    path: `/api/schools/${EE}/members?classId=${demo.classes.ee6b}`,
    token: await adminToken(),
    status: 200,
  }),
  'schools-cases-comment': async () => ({
    method: 'POST',
    path: `/api/schools/${EE}/cases/case-none/comments`,
    token: await adminToken(),
    json: { text: 'Seen' },
    status: 404,
  }),
  'schools-cases-list': async () => ({ method: 'GET', path: `/api/schools/${EE}/cases?status=open`, token: await adminToken(), status: 200 }),
  'schools-code-links-confirm': async () => ({
    method: 'POST',
    path: `/api/schools/${EE}/code-links/req-none/confirm`,
    token: await adminToken(),
    status: 404,
  }),
  'schools-code-links-list': async () => ({
    method: 'GET',
    path: `/api/schools/${EE}/code-links?status=requested`,
    token: await adminToken(),
    status: 200,
  }),
  'schools-code-links-refuse': async () => ({
    method: 'POST',
    path: `/api/schools/${EE}/code-links/req-none/refuse`,
    token: await adminToken(),
    status: 404,
  }),
  'schools-parent-links-confirm': async () => {
    const other = await newPerson('Budgetparent');
    const kid = await newStudent('Budgetchild', birthDateIn(2015));
    expect(
      (await api('/api/me/children', { method: 'POST', token: other.token, json: { personalCode: { country: 'EE', code: kid.personalCode } } }))
        .status,
    ).toBe(202);
    const list = await api(`/api/schools/${EE}/parent-links?status=requested`, { token: await adminToken() });
    const link = (list.body.parentLinks as { id: string; parentAccountId: string }[]).find((l) => l.parentAccountId === other.accountId)!;
    return { method: 'POST', path: `/api/schools/${EE}/parent-links/${encodeURIComponent(link.id)}/confirm`, token: await adminToken(), status: 200 };
  },
  'schools-parent-links-end': async () => {
    const other = await newPerson('Budgetender');
    const kid = await newStudent('Budgetended', birthDateIn(2015));
    const id = await confirmedLink(other, kid);
    return { method: 'POST', path: `/api/schools/${EE}/parent-links/${encodeURIComponent(id)}/end`, token: other.token, status: 200 };
  },
  'schools-parent-links-list': async () => ({
    method: 'GET',
    path: `/api/schools/${EE}/parent-links?status=requested`,
    token: await adminToken(),
    status: 200,
  }),
  'schools-parent-links-refuse': async () => {
    const other = await newPerson('Budgetrefused');
    const kid = await newStudent('Budgetrefusedkid', birthDateIn(2015));
    expect(
      (await api('/api/me/children', { method: 'POST', token: other.token, json: { personalCode: { country: 'EE', code: kid.personalCode } } }))
        .status,
    ).toBe(202);
    const list = await api(`/api/schools/${EE}/parent-links?status=requested`, { token: await adminToken() });
    const link = (list.body.parentLinks as { id: string; parentAccountId: string }[]).find((l) => l.parentAccountId === other.accountId)!;
    return { method: 'POST', path: `/api/schools/${EE}/parent-links/${encodeURIComponent(link.id)}/refuse`, token: await adminToken(), status: 200 };
  },
  'schools-students-rectify': async () => {
    // A real change (the same name again writes nothing), on a student of the probe's own.
    const student = await newStudent('Budgetrectified', birthDateIn(2013));
    return {
      method: 'PATCH',
      path: `/api/schools/${EE}/students/${student.accountId}`,
      token: await adminToken(),
      json: { firstName: 'Budgetrenamed' },
      status: 200,
    };
  },
  'store-orders-create': async () => ({
    method: 'POST',
    path: '/api/store/orders',
    token: parent.token,
    json: {
      publisherId: demo.publishers.ee,
      packageId: 'package-ee-est-5',
      months: 1,
      // The shop's today is Tallinn's.
      startDate: localDate(new Date()),
      paymentMethod: { type: 'card' },
      acknowledgeNoWithdrawal: true,
    },
    status: 201,
  }),
  'store-orders-get': async () => {
    const list = await api('/api/store/orders', { token: parent.token });
    return { method: 'GET', path: `/api/store/orders/${encodeURIComponent(list.body.orders[0].id)}`, token: parent.token, status: 200 };
  },
  'store-orders-list': async () => ({ method: 'GET', path: '/api/store/orders', token: parent.token, status: 200 }),
  'store-quote': async () => ({
    method: 'GET',
    path: `/api/store/quote?publisherId=${demo.publishers.ee}&packageId=package-ee-est-5&months=1`,
    token: parent.token,
    status: 200,
  }),
  'support-requests-create': async () => ({
    method: 'POST',
    path: '/api/me/support-requests',
    token: child.token,
    json: { subject: 'Budget question', message: 'Hello' },
    status: 201,
  }),
  'support-requests-list': async () => ({ method: 'GET', path: '/api/me/support-requests', token: child.token, status: 200 }),
  'support-requests-message': async () => {
    const created = await api('/api/me/support-requests', {
      method: 'POST',
      token: child.token,
      json: { subject: 'Budget follow-up', message: 'Hello' },
    });
    return {
      method: 'POST',
      path: `/api/me/support-requests/${created.body.id}/messages`,
      token: child.token,
      json: { message: 'More' },
      status: 200,
    };
  },
  // p-export (PRIV-2)
  'privacy-exports-create': async () => ({ method: 'POST', path: '/api/me/privacy/exports', token: child.token, status: 202 }),
  'privacy-exports-get': async () => ({ method: 'GET', path: `/api/me/privacy/exports/${await readyExport()}`, token: parent.token, status: 200 }),
  'privacy-exports-child-get': async () => ({
    method: 'GET',
    path: `/api/children/${child.accountId}/privacy/exports/${await exportForChild()}`,
    token: parent.token,
    status: 200,
  }),
  'privacy-exports-download': async () => {
    const view = await api(`/api/me/privacy/exports/${await readyExport()}`, { token: parent.token });
    return { method: 'GET', path: new URL(view.body.download.url as string).pathname, status: 200 };
  },
};

/**
 * Probes that count a refusal, not the route's work, and why: their success needs an outside round trip (provider,
 * Maksekeskus) or state this session did not build (a flagged order, an open case, a claimed invitation). Their
 * successful paths are NOT measured here.
 */
const REFUSAL_ONLY: Record<string, string> = {
  'auth-callback': 'needs a provider round trip (state cookie, code exchange)',
  'payments-notify': 'needs a message signed by the Maksekeskus stand-in',
  'webhooks-sendgrid': "needs events signed with the key of the test's own host: measured on its success in test/marketing.e2e.test.ts",
  'payments-return': 'needs a message signed by the Maksekeskus stand-in',
  'http-not-found': 'a 404 is its work',
  'ops-erasures-get': 'needs the evidence of an erasure (none on the shared host): measured on its success in test/erasure-gaps.e2e.test.ts',
  'accounts-logins-unlink': 'a person with two logins needs a provider link',
  'learning-answers-delete': 'needs an answer: measured on its success in test/learning-budgets.e2e.test.ts',
  'learning-answers-save': 'needs a task, which needs a published work version: measured on its success in test/learning-budgets.e2e.test.ts',
  'learning-feedback-give': 'needs a submitted answer: measured on its success in test/learning-budgets.e2e.test.ts',
  'learning-tasks-create': 'needs a published work version (none on the shared host): measured on its success in test/learning-budgets.e2e.test.ts',
  'learning-tasks-stats': 'needs a task: measured on its success in test/learning-budgets.e2e.test.ts',
  'learning-tasks-teacher-get': 'needs a task: measured on its success in test/learning-budgets.e2e.test.ts',
  'learning-tasks-get': 'needs a task: measured on its success in test/learning-budgets.e2e.test.ts',
  'learning-tasks-update': 'needs a task: measured on its success in test/learning-leftovers.e2e.test.ts',
  'materials-texts-get': 'needs a text: measured on its success in test/materials-texts.e2e.test.ts',
  'ops-invoices-record-payment': 'needs an invoice order',
  'ops-orders-cancel': 'needs a paid order',
  'ops-orders-flag-resolve': 'needs a flagged order',
  'ops-works-withdraw': 'would stop a demo work other test files buy',
  'ops-works-withdraw-cancel': 'would stop a demo work other test files buy',
  'schools-invitations-confirm-claim': 'needs an invitation claimed by another account',
  'schools-cases-comment': 'needs an open case',
  'schools-code-links-confirm': 'needs a code-link request from a sign-in',
  'schools-code-links-refuse': 'needs a code-link request from a sign-in',
  'journals-materials-content': 'needs a journal (the learning area, not landed yet; shared/materials/journals.ts)',
  'journals-materials-list': 'needs a journal (the learning area, not landed yet; shared/materials/journals.ts)',
  'materials-share': 'needs a journal (the learning area, not landed yet; shared/materials/journals.ts)',
};

/** Sends a probe as it is, or as another caller (`token: null` sends none). */
const sendProbe = (probe: Probe, token: string | null | undefined = probe.token) =>
  api(probe.path, {
    method: probe.method,
    token: token ?? undefined,
    json: probe.json,
    ...(probe.body ? { body: probe.body } : {}),
    headers: probe.headers,
    redirect: 'manual',
  });

/** Session routes any signed-in person gets an answer from, and why that is not a refusal missed. */
const OPEN_TO_ANYONE_SIGNED_IN: Record<string, string> = {
  'accounts-audit-list': "the caller's own (/api/me/...)",
  'accounts-close': "the caller's own account (not sent by the stranger: it would end their session for the routes after)",
  'consents-history': "the caller's own",
  'consents-list': "the caller's own",
  'consents-set': "the caller's own",
  'privacy-processing-get': "the caller's own",
  'privacy-processing-history': "the caller's own",
  'privacy-exports-create': "the caller's own data export (PRIV-2)",
  'privacy-processing-update': "the caller's own",
  'rights-me-create': "a request in the caller's name",
  'rights-me-data': "the caller's own",
  'rights-me-list': "the caller's own",
  'accounts-children-list': "the caller's own",
  'accounts-children-request': "a request in the caller's name",
  'accounts-login-log': "the caller's own",
  'accounts-logins-list': "the caller's own",
  'accounts-sessions-list': "the caller's own",
  'accounts-sessions-end-others': "the caller's own",
  'accounts-me': "the caller's own",
  'accounts-parents-list': "the caller's own",
  'accounts-password-change': "the caller's own (the probe's password is every test person's)",
  'accounts-preferences-update': "the caller's own",
  'accounts-privacy-get': "the caller's own",
  'accounts-privacy-update': "the caller's own",
  'accounts-profile-update': "the caller's own",
  'auth-link': 'starts linking a sign-in to the caller',
  'content-catalog-search': 'the catalogue, open to every signed-in person',
  'invitations-accept': 'the mailed token is the credential; another account becomes a claim the school confirms (issue 17)',
  'learning-history-mine': "the caller's own",
  'licences-access': "the caller's own entitlement (no access is an answer, not a refusal)",
  'licences-list': "the caller's own",
  'store-orders-create': "buying in the caller's name",
  'store-orders-list': "the caller's own",
  'store-quote': 'a price, open to every signed-in person',
  'support-requests-create': "the caller's own",
  'support-requests-list': "the caller's own",
};

const httpRoutes = (definitions as readonly { kind: string }[]).filter((d): d is HttpDefinition => d.kind === 'http');
const total = (c: OperationCounts) => c.pointRead + c.write + c.query + c.crossPartitionQuery;

describe('issue 11: Cosmos operations per route, against the budget table (shared/http/budgets.ts)', () => {
  const measured = new Map<string, { counts: OperationCounts; status: number; expected: number; repeated: boolean }>();
  /** Each route's probe as first built (the refusal pass falls back to it where a probe can be set up only once). */
  const built = new Map<string, Probe>();

  beforeAll(async () => {
    parent = await newPerson('Budgetmother');
    // Ten years old whatever the year: the parent's consent routes need a child under 13.
    child = await newStudent('Budgetdaughter', birthDateIn(new Date().getUTCFullYear() - 10));
    linkId = await confirmedLink(parent, child);
    expect(linkId).toBeTruthy();
    // The order the order routes read.
    const placed = await probes['store-orders-create']!();
    expect((await api(placed.path, { method: placed.method, token: placed.token, json: placed.json })).status).toBe(201);
    for (const route of httpRoutes) {
      const probe = await probes[route.name]!();
      built.set(route.name, probe);
      // Twice: the first call may pay one-off costs (the SDK's container metadata, caches); the second is the route.
      // Reads and refusals are called twice and the second call counted: the first may pay one-off costs (the SDK's
      // container metadata, the payment-methods cache). Writes are counted on their one call.
      const repeated = probe.method === 'GET' || probe.status >= 400;
      const send = () => sendProbe(probe);
      let response = await send();
      if (repeated) response = await send();
      measured.set(route.name, {
        counts: parseCounts(response.headers.get('x-cosmos-ops') ?? ''),
        status: response.status,
        expected: probe.status,
        repeated,
      });
    }
    console.table(
      [...measured].map(([name, m]) => ({
        route: name,
        status: m.status,
        ...m.counts,
        total: total(m.counts),
        budget: budgetOf(name, httpRoutes.find((r) => r.name === name)!.methods).max,
      })),
    );
  }, 240_000);

  it('every route of the route table has a budget and a probe, and nothing else does', () => {
    const names = httpRoutes.map((r) => r.name).sort();
    expect(Object.keys(ROUTE_BUDGETS).sort()).toEqual(names);
    expect(Object.keys(probes).sort()).toEqual(names);
  });

  it('each route gave the answer its probe expects; only the listed probes count a refusal instead of the work', () => {
    for (const route of httpRoutes) {
      const { status, expected } = measured.get(route.name)!;
      expect(status, route.name).toBe(expected);
      const refusal = expected >= 400 || route.name === 'auth-callback' || route.name === 'payments-return';
      expect(refusal, `${route.name}: a refusal probe must be listed in REFUSAL_ONLY, and a listed one must be a refusal`).toBe(
        route.name in REFUSAL_ONLY,
      );
    }
  });

  it('GET <= 3 and writes <= 5 operations including authentication; the exceptions are listed with their measured count', () => {
    for (const route of httpRoutes) {
      const budget = budgetOf(route.name, route.methods);
      const { counts } = measured.get(route.name)!;
      if (budget.exception) {
        // An exception states what it costs; a route that now fits its budget must lose its exception.
        expect(total(counts), `${route.name}: ${budget.exception.reason}`).toBeLessThanOrEqual(budget.exception.measured);
        expect(total(counts), `${route.name} now fits its budget: remove the exception`).toBeGreaterThan(budget.max);
      } else expect(total(counts), `${route.name} ${JSON.stringify(counts)}`).toBeLessThanOrEqual(budget.max);
    }
  });

  it('no user-facing route queries across partitions, and no query asks for more than one query plan', () => {
    for (const route of httpRoutes) {
      const { counts, repeated } = measured.get(route.name)!;
      if (!USER_FACING_CROSS_PARTITION_QUERIES.has(route.name) && !budgetOf(route.name, route.methods).staff)
        expect(counts.crossPartitionQuery, route.name).toBe(0);
      // Plans: one per query; the health ping is the one metadata request that is not a plan.
      if (repeated)
        expect(counts.metadata, route.name).toBeLessThanOrEqual(counts.query + counts.crossPartitionQuery + (route.name === 'health-get' ? 1 : 0));
    }
  });

  it('STORE-4: the entitlement check is exactly one point read after the one read that authenticates', () => {
    expect(measured.get('licences-access')!.counts).toEqual({ pointRead: 2, write: 0, query: 0, crossPartitionQuery: 0, metadata: 0 });
  });

  it('authentication is one point read: GET /api/me costs exactly that', () => {
    expect(measured.get('accounts-me')!.counts).toEqual({ pointRead: 1, write: 0, query: 0, crossPartitionQuery: 0, metadata: 0 });
  });

  /**
   * Refusals (issue 11): a refused request must cost no more than the route's success path (what the main probe
   * measured; the budget for the routes whose probe is itself a refusal) and never query across partitions, staff
   * routes included: refusing must not be a way to make the service work harder.
   */
  describe('refused requests cost no more than the success path and never query across partitions', () => {
    interface Refusal {
      route: string;
      why: string;
      status: number;
      counts: OperationCounts;
    }
    const refusals: Refusal[] = [];
    /** Routes a stranger is not refused on: they act on the caller's own things (refused there by a not-found below). */
    const ownThings: string[] = [];
    const costOfSuccess = (name: string) => {
      const route = httpRoutes.find((r) => r.name === name)!;
      return name in REFUSAL_ONLY ? budgetOf(name, route.methods).max : total(measured.get(name)!.counts);
    };
    const record = async (route: string, why: string, response: Awaited<ReturnType<typeof api>>) =>
      refusals.push({ route, why, status: response.status, counts: parseCounts(response.headers.get('x-cosmos-ops') ?? '') });

    beforeAll(async () => {
      const stranger = await newPerson('Budgetstranger');
      // Accepting an invitation makes the stranger a member of the school: last, so the routes before meet a stranger.
      const strangerLast = ['invitations-accept'];
      const ordered = [...httpRoutes.filter((r) => !strangerLast.includes(r.name)), ...httpRoutes.filter((r) => strangerLast.includes(r.name))];
      for (const route of ordered) {
        // Public routes answer anyone (signing out with someone else's token would end the stranger's session).
        if (route.contract.auth !== 'session') continue;
        // Closing is the caller's own and would end the stranger for every route after it.
        if (route.name === 'accounts-close') {
          ownThings.push(route.name);
          continue;
        }
        // Built afresh so nothing was used up; a probe whose set-up works once per person (an open request) is reused.
        const probe = await probes[route.name]!().catch(() => built.get(route.name)!);
        // Without a session: 401 before any work.
        await record(route.name, 'no session', await sendProbe(probe, null));
        // Someone with no role, link or grant, on the same request (built afresh, so nothing was used up).
        const response = await sendProbe(probe, stranger.token);
        if (response.status < 400) ownThings.push(route.name);
        else await record(route.name, 'a stranger', response);
      }
      // Not found and conflicts on the caller's own things (a stranger is refused nothing there).
      const missing = randomUUID();
      const notFound: [string, Probe][] = [
        ['accounts-sessions-end', { method: 'DELETE', path: `/api/me/sessions/${missing}`, token: child.token, status: 404 }],
        ['store-orders-get', { method: 'GET', path: `/api/store/orders/order-${missing}`, token: parent.token, status: 404 }],
        [
          'support-requests-message',
          { method: 'POST', path: `/api/me/support-requests/${missing}/messages`, token: child.token, json: { message: 'More' }, status: 404 },
        ],
        ['materials-delete', { method: 'DELETE', path: `/api/accounts/${child.accountId}/materials/${missing}`, token: child.token, status: 404 }],
        ['schools-members-get', { method: 'GET', path: `/api/schools/${EE}/members/${missing}`, token: await adminToken(), status: 404 }],
        ['learning-journals-get', { method: 'GET', path: `/api/schools/${EE}/journals/${missing}`, token: await teacherToken(), status: 403 }],
        [
          'schools-invitations-revoke',
          { method: 'DELETE', path: `/api/schools/${EE}/invitations/${missing}`, token: await adminToken(), status: 404 },
        ],
        [
          'schools-parent-links-confirm',
          { method: 'POST', path: `/api/schools/${EE}/parent-links/${encodeURIComponent(linkId)}/confirm`, token: await adminToken(), status: 409 },
        ],
      ];
      for (const [route, probe] of notFound) {
        const response = await sendProbe(probe);
        expect(response.status, `${route}: ${JSON.stringify(response.body)}`).toBe(probe.status);
        await record(route, `${probe.status} on the caller's own side`, response);
      }
      console.table(refusals.map((r) => ({ ...r, counts: undefined, ...r.counts, total: total(r.counts), success: costOfSuccess(r.route) })));
    }, 240_000);

    it('without a session every session route answers 401 without touching Cosmos', () => {
      const anonymous = refusals.filter((r) => r.why === 'no session');
      expect(anonymous.length).toBeGreaterThan(50);
      for (const r of anonymous) {
        expect(r.status, r.route).toBe(401);
        expect(total(r.counts) + r.counts.metadata, r.route).toBe(0);
      }
    });

    it('a stranger is refused (403/404/409) on every route that is not about their own things, at no more than the success path', () => {
      const refused = refusals.filter((r) => r.why === 'a stranger');
      expect(refused.length).toBeGreaterThan(50);
      for (const r of refused) {
        expect([403, 404, 409], `${r.route} (a 401 means the stranger's session ended on the way)`).toContain(r.status);
        expect(total(r.counts), `${r.route} ${JSON.stringify(r.counts)}`).toBeLessThanOrEqual(costOfSuccess(r.route));
        expect(r.counts.crossPartitionQuery, r.route).toBe(0);
      }
    });

    it('a stranger is answered only on routes about their own things, listed here (refused there by the not-found probes below)', () => {
      expect(ownThings.sort()).toEqual(Object.keys(OPEN_TO_ANYONE_SIGNED_IN).sort());
    });

    it("not found and conflict on the caller's own things cost no more than the success path, in one partition", () => {
      const own = refusals.filter((r) => r.why.endsWith("on the caller's own side"));
      expect(own.length).toBe(8);
      for (const r of own) {
        expect(total(r.counts), `${r.route} ${JSON.stringify(r.counts)}`).toBeLessThanOrEqual(costOfSuccess(r.route));
        expect(r.counts.crossPartitionQuery, r.route).toBe(0);
      }
    });
  });
});
