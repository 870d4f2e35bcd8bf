import type { AccountDoc } from '../shared/accounts/model.js';
import { exampleWorkContent } from '../shared/content/fixtures.js';
import type { WorkContent } from '../shared/content/index.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import type { EntitlementDoc } from '../shared/store/model.js';

/**
 * A host of its own for the learning tests (issue 18): its clock can be moved (LRN-6 history, due dates) and its
 * catalogue gets a published work with every exercise kind, written as the content area stores a publication (the
 * work document naming its current version in `catalog`, the version in `content`) straight into the store: nobody
 * is licensed for it until a test says so (the seed's content work is licensed to Mihkel already). `publishWork` adds
 * another work the same way.
 */
export const DEMO_WORK = `${demo.publishers.ee}.learning-demo`;

export async function startLearningHost(): Promise<LocalHost> {
  const host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false, redeliveryDelayMs: 5 });
  await publishWork(host, DEMO_WORK, exampleWorkContent('Õppimise demo'));
  return host;
}

export async function publishWork(host: LocalHost, workId: string, content: WorkContent, versionNo = 1): Promise<void> {
  const database = host.cosmos.client.database(host.config.COSMOS_DATABASE);
  const catalog = database.container('catalog');
  const publisherId = workId.slice(0, workId.indexOf('.'));
  const at = host.clock.now().toISOString();
  await catalog.items.upsert({
    id: workId,
    type: 'work',
    publisherId,
    title: content.title,
    subjects: ['mathematics'],
    country: 'EE',
    language: content.language,
    status: 'distributed',
    content: { currentVersion: versionNo },
  });
  await database.container('content').items.upsert({
    id: `version:${workId}:${versionNo}`,
    type: 'work-version',
    workId,
    publisherId,
    versionNo,
    ...content,
    publishedAt: at,
    publishedBy: { accountId: demo.accounts.cmsEditor, role: 'editor' },
  });
}

/** A licence to the work for the account, as a paid order leaves it (STORE-4). */
export async function license(host: LocalHost, accountId: string, workId = DEMO_WORK): Promise<void> {
  const now = host.clock.now();
  await host.services.db.collection('accounts').upsert<EntitlementDoc>({
    id: `entitlement:${workId}`,
    type: 'entitlement',
    accountId,
    workId,
    publisherId: workId.slice(0, workId.indexOf('.')),
    periods: [
      {
        orderId: `ord-TEST${accountId.length}`,
        from: new Date(now.getTime() - 86_400_000).toISOString(),
        until: new Date(now.getTime() + 365 * 86_400_000).toISOString(),
      },
    ],
    updatedAt: now.toISOString(),
  });
}

export interface Call {
  status: number;
  body: any;
  headers: Headers;
}

/** Requests against the host, with bearer tokens made by its local token route (real sessions). */
export function client(host: LocalHost) {
  // Access tokens last 15 minutes of the host's clock, which tests move on: a token is made again after 10.
  const tokens = new Map<string, { token: string; at: number }>();
  const token = async (accountId: string) => {
    const known = tokens.get(accountId);
    if (known && host.clock.now().getTime() - known.at < 600_000) return known.token;
    const r = await fetch(`${host.url}/_local/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accountId }),
    });
    const fresh = ((await r.json()) as { accessToken: string }).accessToken;
    tokens.set(accountId, { token: fresh, at: host.clock.now().getTime() });
    return fresh;
  };
  return async (as: string | undefined, method: string, path: string, json?: unknown, headers: Record<string, string> = {}): Promise<Call> => {
    const h: Record<string, string> = { ...headers };
    if (as) h.authorization = `Bearer ${await token(as)}`;
    if (json !== undefined) h['content-type'] = 'application/json';
    const r = await fetch(`${host.url}/api/${path}`, {
      method,
      headers: h,
      ...(json !== undefined ? { body: typeof json === 'string' ? json : JSON.stringify(json) } : {}),
    });
    const text = await r.text();
    return { status: r.status, body: text && (r.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text, headers: r.headers };
  };
}

/** Right answers to the demo work's auto-checked exercises, and a wrong one for the numeric exercise. */
export const answers = {
  right: {
    'ex-single': { kind: 'single', choice: 'b' },
    'ex-multiple': { kind: 'multiple', choices: ['a', 'c'] },
    'ex-text': { kind: 'text', text: 'Sõda' },
    'ex-numeric': { kind: 'numeric', value: '3,5' },
  },
  wrongNumeric: {
    'ex-single': { kind: 'single', choice: 'b' },
    'ex-multiple': { kind: 'multiple', choices: ['a', 'c'] },
    'ex-text': { kind: 'text', text: 'soda' },
    'ex-numeric': { kind: 'numeric', value: 4 },
  },
} as const;

export const inDays = (host: LocalHost, days: number) => new Date(host.clock.now().getTime() + days * 86_400_000).toISOString();

/** A teacher of the school with these subjects: the account with its role summary and the membership, as invitations leave them. */
export async function addTeacher(host: LocalHost, accountId: string, schoolId: string, subjects: string[]): Promise<void> {
  const at = host.clock.now().toISOString();
  await host.services.db.collection('accounts').upsert<AccountDoc>({
    id: accountId,
    type: 'account',
    accountId,
    firstName: 'Teine',
    lastName: 'Õpetaja',
    language: 'et',
    country: 'EE',
    status: 'active',
    schoolRoles: [{ schoolId, role: 'teacher', subjects }],
    createdAt: at,
    updatedAt: at,
  });
  await host.services.db.collection('schools').upsert({
    id: `membership:${accountId}:teacher`,
    type: 'membership',
    schoolId,
    accountId,
    role: 'teacher',
    subjects,
    status: 'active',
    since: at,
    firstName: 'Teine',
    lastName: 'Õpetaja',
  });
}
