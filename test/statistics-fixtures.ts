import { randomUUID } from 'node:crypto';

import type { AccountDoc } from '../shared/accounts/model.js';
import type { LocalHost } from '../shared/local/host.js';
import { license } from './learning-fixtures.js';

/**
 * Schools full of students for the statistics tests (STAT-1, STAT-2): accounts, memberships and school documents as
 * invitations leave them, and their usage posted through POST /api/events as the front end does, then drained.
 */
const USAGE_LIMIT_PER_MINUTE = 10_000;
export const hostOptions = {
  port: 0,
  sweepIntervalMs: 0,
  identityStandIns: false,
  maksekeskusStandIn: false,
  redeliveryDelayMs: 5,
  env: { USAGE_EVENTS_PER_MINUTE: String(USAGE_LIMIT_PER_MINUTE) },
} as const;

export interface School {
  schoolId: string;
  students: string[];
}

export async function addSchool(host: LocalHost, schoolId: string, municipality: string, students: number): Promise<School> {
  const at = host.clock.now().toISOString();
  const db = host.services.db;
  await db.collection('schools').upsert({ id: schoolId, type: 'school', schoolId, name: `Kool ${schoolId}`, country: 'EE', municipality });
  const ids: string[] = [];
  for (let i = 0; i < students; i++) {
    const accountId = `${schoolId}-student-${i}`;
    ids.push(accountId);
    await db.collection('accounts').upsert<AccountDoc>({
      id: accountId,
      type: 'account',
      accountId,
      firstName: 'Õpilane',
      lastName: `Number${i}`,
      language: 'et',
      country: 'EE',
      status: 'active',
      schoolRoles: [{ schoolId, role: 'student' }],
      createdAt: at,
      updatedAt: at,
    });
    await db.collection('schools').upsert({
      id: `membership:${accountId}:student`,
      type: 'membership',
      schoolId,
      accountId,
      role: 'student',
      status: 'active',
      since: at,
    });
  }
  return { schoolId, students: ids };
}

export async function tokenOf(host: LocalHost, accountId: string): Promise<string> {
  const r = await fetch(`${host.url}/_local/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accountId }),
  });
  return ((await r.json()) as { accessToken: string }).accessToken;
}

/** A student doing an exercise in a work they hold a licence for: a page view and an answered exercise, as one front-end batch. */
export async function doTask(host: LocalHost, accountId: string, workId: string, chapterId = 'ch-1'): Promise<void> {
  await license(host, accountId, workId);
  const at = host.clock.now().toISOString();
  const events = [
    { kind: 'page-view', at, workId, chapterId, pageId: 'p-1', seconds: 60 },
    { kind: 'interaction', at, workId, chapterId, component: 'exercise', action: 'answer' },
  ];
  const response = await fetch(`${host.url}/api/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenOf(host, accountId)}` },
    body: JSON.stringify({ batchId: randomUUID(), events }),
  });
  if (response.status !== 202) throw new Error(`events answered ${response.status}: ${await response.text()}`);
}

export async function get(host: LocalHost, path: string, token: string): Promise<{ status: number; body: any; text: string; type: string | null }> {
  const response = await fetch(`${host.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  const type = response.headers.get('content-type');
  return { status: response.status, text, type, body: type?.includes('json') && text ? JSON.parse(text) : undefined };
}

/** An operator administrator gives an account the municipality role over these schools (ACC-1, ACL-8), audited. */
export async function giveMunicipalityRole(host: LocalHost, operatorAdminId: string, accountId: string, name: string, schoolIds: string[]) {
  const at = host.clock.now().toISOString();
  await host.services.db.collection('accounts').upsert<AccountDoc>({
    id: accountId,
    type: 'account',
    accountId,
    firstName: 'Ametnik',
    lastName: name,
    language: 'et',
    country: 'EE',
    status: 'active',
    createdAt: at,
    updatedAt: at,
  });
  const response = await fetch(`${host.url}/api/ops/accounts/${accountId}/roles`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenOf(host, operatorAdminId)}` },
    body: JSON.stringify({ kind: 'municipality', name, schoolIds }),
  });
  if (response.status !== 200) throw new Error(`roles answered ${response.status}: ${await response.text()}`);
}

export const TASK_EXERCISES = ['ex-1', 'ex-2'];

/**
 * A student's submitted answer to their school's task of `workId` (two exercises), as the answer route leaves it: the
 * answer stored and its figures queued on `learning-stats` (whose handler counts the task done, STAT-1). The task is
 * written once per school and work, with the school's students; a later call submits again (a new submission time).
 */
export async function submitTask(host: LocalHost, school: School, accountId: string, workId: string): Promise<void> {
  const schools = host.services.db.collection('schools');
  const at = host.clock.now().toISOString();
  const taskId = `task-${school.schoolId}-${workId}`;
  const journalId = `journal-${school.schoolId}`;
  await schools.upsert({
    id: taskId,
    type: 'task',
    schoolId: school.schoolId,
    journalId,
    taskId,
    sortKey: at,
    title: 'Kodutöö',
    workId,
    items: [],
    exercises: [],
    maxPoints: TASK_EXERCISES.length,
    studentIds: school.students,
    dueAt: at,
    createdBy: 'acc-teacher',
    createdAt: at,
    updatedAt: at,
  });
  const id = `answer:${taskId}:${accountId}`;
  await schools.upsert({
    id,
    type: 'answer',
    schoolId: school.schoolId,
    journalId,
    taskId,
    studentId: accountId,
    workId,
    status: 'submitted',
    responses: {},
    results: TASK_EXERCISES.map((exerciseId) => ({ exerciseId, score: 1, maxScore: 1, correct: true, feedback: [] })),
    score: TASK_EXERCISES.length,
    maxScore: TASK_EXERCISES.length,
    attempt: 1,
    savedAt: at,
    submittedAt: at,
  });
  await host.services.bus.send('learning-stats', {
    body: { schoolId: school.schoolId, journalId, taskId, studentId: accountId },
    messageId: `${id}:${at}`,
  });
}
