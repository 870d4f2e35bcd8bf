import { randomUUID } from 'node:crypto';

import { expect, vi } from 'vitest';

import { demo } from '../shared/local/seed.js';
import { api, tokenFor } from './helpers.js';

/** Fresh people for end-to-end tests that change state (invitations, parent links, privacy), on the shared host. */

interface OutboxMessage {
  to: string;
  subject: string;
  text: string;
  category: string;
}

export const outboxFor = async (to: string) => (await api<OutboxMessage[]>('/_local/outbox')).body.filter((m) => m.to === to.toLowerCase());

/** The token of the last link e-mailed to `to` whose subject matches. */
export async function mailedToken(to: string, subject: RegExp): Promise<string> {
  let mail: OutboxMessage | undefined;
  // E-mail goes through the queue: give it a moment.
  for (let i = 0; i < 40 && !mail; i++) {
    mail = (await outboxFor(to)).filter((m) => subject.test(m.subject)).at(-1);
    if (!mail) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(mail, `an e-mail to ${to} matching ${subject}`).toBeDefined();
  const token = /token=([^\s]+)/.exec(mail!.text)?.[1];
  expect(token).toBeDefined();
  return decodeURIComponent(token!);
}

const randomIp = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

export interface Person {
  accountId: string;
  email: string;
  token: string;
  firstName: string;
  lastName: string;
}

/** Signs up with e-mail and password, verifies the address and signs in (AUTH-2). */
export async function newPerson(firstName: string, options: { language?: 'et' | 'fi' | 'en'; email?: string } = {}): Promise<Person> {
  const email = options.email ?? `${firstName.toLowerCase()}-${randomUUID()}@example.com`;
  const lastName = 'Test';
  const ip = randomIp();
  const password = 'a long test password 42';
  const signup = await api('/api/auth/password/signup', {
    method: 'POST',
    headers: { 'x-forwarded-for': ip },
    json: { email, password, firstName, lastName, language: options.language ?? 'et' },
  });
  expect(signup.status).toBe(202);
  const verifyToken = await mailedToken(email, /./);
  expect((await api('/api/auth/password/verify', { method: 'POST', json: { token: verifyToken } })).status).toBe(200);
  const session = await api<{ accessToken: string; accountId: string }>('/api/auth/password/login', {
    method: 'POST',
    headers: { 'x-session-delivery': 'body', 'x-forwarded-for': ip },
    json: { email, password },
  });
  expect(session.status).toBe(200);
  return { accountId: session.body.accountId, email, token: session.body.accessToken, firstName, lastName };
}

/** A valid Estonian personal code (isikukood) for a birth date, with a random serial. */
export function estonianCode(birthDate: string, sex: 'male' | 'female' = 'female'): string {
  const [year, month, day] = birthDate.split('-');
  const century = Math.floor(Number(year) / 100);
  const first = (century - 18) * 2 + (sex === 'male' ? 1 : 2);
  const serial = String(Math.floor(Math.random() * 1000)).padStart(3, '0');
  const ten = `${first}${year!.slice(2)}${month}${day}${serial}`;
  const mod = (weights: number[]) => [...ten].reduce((sum, d, i) => sum + Number(d) * weights[i]!, 0) % 11;
  let check = mod([1, 2, 3, 4, 5, 6, 7, 8, 9, 1]);
  if (check === 10) check = mod([3, 4, 5, 6, 7, 8, 9, 1, 2, 3]) % 10;
  return `${ten}${check}`;
}

/** A random birth date in a year, so personal codes of one run do not collide. */
export const birthDateIn = (year: number) =>
  `${year}-${String(1 + Math.floor(Math.random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(Math.random() * 28)).padStart(2, '0')}`;

export const adminToken = () => tokenFor(demo.accounts.eeAdmin);

/**
 * A fresh student of Kuusiku's class 5.a, with a personal code for the birth date: they accept the administrator's
 * invitation (ACC-2), then the school enters their personal code (ACC-5: school-entered codes are verified, so a
 * parent can name the child by it; a code the student typed would not be).
 */
export async function newStudent(firstName: string, birthDate: string): Promise<Person & { personalCode: string }> {
  const person = await newPerson(firstName);
  const personalCode = estonianCode(birthDate);
  await joinAsStudent(person);
  const entered = await api(`/api/schools/${demo.schools.ee}/students/${person.accountId}`, {
    method: 'PATCH',
    token: await adminToken(),
    json: { personalCode: { country: 'EE', code: personalCode } },
  });
  expect(entered.status, JSON.stringify(entered.body)).toBe(200);
  return { ...person, personalCode };
}

async function joinAsStudent(person: Person, classId: string = demo.classes.ee5a): Promise<void> {
  const invite = await api(`/api/schools/${demo.schools.ee}/invitations`, {
    method: 'POST',
    token: await adminToken(),
    json: { email: person.email, role: 'student', classId },
  });
  expect(invite.status, JSON.stringify(invite.body)).toBe(201);
  const accepted = await api('/api/invitations/accept', {
    method: 'POST',
    token: person.token,
    json: { token: await mailedToken(person.email, /Kutse kooli/) },
  });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
}

/** The parent asks by the child's personal code and Kuusiku's administrator confirms (ACC-3). Returns the link id. */
export async function confirmedLink(parent: Person, child: { accountId: string; personalCode: string }): Promise<string> {
  expect(
    (await api('/api/me/children', { method: 'POST', token: parent.token, json: { personalCode: { country: 'EE', code: child.personalCode } } }))
      .status,
  ).toBe(202);
  const linkId = await requestedLinkId(parent.accountId, child.accountId);
  const confirm = await api(`/api/schools/${demo.schools.ee}/parent-links/${encodeURIComponent(linkId)}/confirm`, {
    method: 'POST',
    token: await adminToken(),
  });
  expect(confirm.status, JSON.stringify(confirm.body)).toBe(200);
  // The child's side follows queued (family-link-confirmations): the access starts once it ran.
  await vi.waitFor(async () => expect((await api(`/api/children/${child.accountId}`, { token: parent.token })).status).toBe(200), {
    timeout: 20_000,
    interval: 100,
  });
  return linkId;
}

export async function requestedLinkId(parentId: string, childId: string): Promise<string> {
  const list = await api<{ parentLinks: { id: string; parentAccountId: string; childAccountId: string }[] }>(
    `/api/schools/${demo.schools.ee}/parent-links?status=requested`,
    { token: await adminToken() },
  );
  expect(list.status).toBe(200);
  const link = list.body.parentLinks.find((l) => l.parentAccountId === parentId && l.childAccountId === childId);
  expect(link, 'a requested link for the pair').toBeDefined();
  return link!.id;
}
