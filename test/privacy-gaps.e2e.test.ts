import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { subjectDocuments } from '../shared/privacy/subject-documents.js';
import { client } from './learning-fixtures.js';

/** Issue 12's last gaps (PRIV-1, PRIV-2, PRIV-4, PRIV-6, PRIV-7, PRIV-8) on a host of this file's own. */
const S = demo.schools;
const A = demo.accounts;
const PARENT = 'acc-gaps-parent';
/** A valid Estonian personal code (checksum 0) given to the second demo student here. */
const CHILD_CODE = '61001010020';

let host: LocalHost;
let call: ReturnType<typeof client>;

/** The documents of each type the export (PRIV-2) finds for a person, as the export job reads them. */
async function exported(accountId: string): Promise<Map<string, Record<string, unknown>[]>> {
  const found = new Map<string, Record<string, unknown>[]>();
  for await (const part of subjectDocuments(host.services, accountId))
    found.set(part.spec.type, [...(found.get(part.spec.type) ?? []), ...part.documents]);
  return found;
}

beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false, maksekeskusStandIn: false, redeliveryDelayMs: 5 });
  call = client(host);
  const at = host.clock.now().toISOString();
  await host.services.db.collection('accounts').upsert({
    id: PARENT,
    type: 'account',
    accountId: PARENT,
    firstName: 'Pärt',
    lastName: 'Lapsevanem',
    language: 'et',
    country: 'EE',
    status: 'active',
    createdAt: at,
    updatedAt: at,
  });
  await host.services.db.collection('logins').upsert({
    id: `pcode:EE:${CHILD_CODE}`,
    type: 'login-index',
    accountId: A.eeStudent2,
    kind: 'personal-code',
    verification: 'eid',
    linkedAt: at,
  });
}, 60_000);
afterAll(async () => host?.close());

describe('PRIV-2: the export finds what was missed', () => {
  it("PRIV-2: a parent's pending link request (before the school decides) is in the parent's export", async () => {
    const asked = await call(PARENT, 'POST', 'me/children', { personalCode: { country: 'EE', code: CHILD_CODE } });
    expect(asked.status, JSON.stringify(asked.body)).toBeLessThan(300);
    const links = (await exported(PARENT)).get('parent-link') ?? [];
    expect(links).toEqual([expect.objectContaining({ parentAccountId: PARENT, childAccountId: A.eeStudent2, status: 'requested' })]);
    // The child's export has it too, and a stranger's has none of it.
    expect((await exported(A.eeStudent2)).get('parent-link')?.some((l) => l.parentAccountId === PARENT)).toBe(true);
  });

  it("PRIV-2: a school licence names the staff member who recorded it: it is in that staff member's export", async () => {
    const recorded = await call(A.operatorAdmin, 'POST', `ops/schools/${S.fi}/licences`, {
      publisherId: demo.publishers.ee,
      workId: 'work-ee-math-6',
      period: { schoolYear: '2026/2027' },
      audience: { kind: 'school' },
      reference: { kind: 'contract', reference: 'LEP-GAPS-1' },
    });
    expect(recorded.status, JSON.stringify(recorded.body)).toBe(201);
    const licences = (await exported(A.operatorAdmin)).get('school-licence') ?? [];
    expect(licences.some((l) => l.id === recorded.body.id && l.recordedBy === A.operatorAdmin)).toBe(true);
  });

  it("PRIV-2, PRIV-7: a parent's own request about their child (kept under the child) is in the parent's export", async () => {
    const asked = await call(A.eeParent, 'POST', `children/${A.eeStudent}/privacy/requests`, { requestType: 'access', details: 'Mida te hoiate?' });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    const requests = (await exported(A.eeParent)).get('rights-request') ?? [];
    expect(requests.map((r) => r.id)).toContain(asked.body.id);
    // The child's own export has it as the subject's; another parent's has none.
    expect(((await exported(A.eeStudent)).get('rights-request') ?? []).map((r) => r.id)).toContain(asked.body.id);
    expect(((await exported(PARENT)).get('rights-request') ?? []).map((r) => r.id)).not.toContain(asked.body.id);
  });
});

describe('PRIV-2: an export that crashed half-way', () => {
  it('PRIV-2: a build that fails while the zip streams is built again whole by the redelivered message and is ready, once', async () => {
    const blobs = host.services.blobs;
    const upload = blobs.upload.bind(blobs);
    let failures = 0;
    blobs.upload = async (name, source, contentType) => {
      blobs.upload = upload;
      failures += 1;
      // The zip has begun streaming when the worker dies: part of it read, nothing committed.
      for await (const chunk of source as AsyncIterable<Buffer>) if (chunk.length) break;
      throw new Error(`injected crash while uploading ${name} (${contentType})`);
    };
    try {
      const started = await call(A.eeStudent2, 'POST', 'me/privacy/exports');
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      await host.bus.idle();
      expect(failures).toBe(1);
      const ready = await call(A.eeStudent2, 'GET', `me/privacy/exports/${encodeURIComponent(started.body.id)}`);
      expect(ready.body).toMatchObject({ status: 'ready' });
      const job = await host.services.db
        .collection('jobs')
        .read<{ id: string; type: string; runs: number; blobName: string }>(started.body.id, A.eeStudent2);
      expect(job?.runs).toBe(2);
      const stored = await host.services.blobs.get(job!.blobName);
      // A whole zip: its end-of-central-directory record closes it.
      expect(Buffer.from(stored!.bytes).subarray(-22, -18)).toEqual(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
      expect(stored!.bytes.byteLength).toBe(ready.body.sizeBytes);
    } finally {
      blobs.upload = upload;
    }
  }, 60_000);
});

describe("PRIV-7: the school's list shows what was asked", () => {
  it("PRIV-7: a request forwarded to the school shows its scope (the objections or purposes named) in the administrator's list", async () => {
    const scope = { objections: ['usageAnalytics'] };
    const asked = await call(A.eeParent, 'POST', `children/${A.eeStudent}/privacy/requests`, {
      requestType: 'restriction',
      details: 'Palun piirake',
      scope,
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    expect(asked.body).toMatchObject({ state: 'waiting-for-school', controller: { kind: 'school', schoolId: S.ee } });
    const list = await call(A.eeAdmin, 'GET', `schools/${S.ee}/privacy/requests`);
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body.requests).toContainEqual(
      expect.objectContaining({ requestId: asked.body.id, requestType: 'restriction', details: 'Palun piirake', scope, requesterCapacity: 'parent' }),
    );
  });
});

describe('PRIV-8: a self-closure whose queue send failed is recovered', () => {
  it('PRIV-8: the account is closed but the closure work never queued (injected bus fault); the hourly sweep queues it again and it completes, once', async () => {
    const bus = host.services.bus;
    const send = bus.send.bind(bus);
    bus.send = async (queue, message) => {
      if (queue === 'account-closure') throw new Error('injected: Service Bus unavailable');
      return send(queue, message);
    };
    try {
      const closed = await call(PARENT, 'POST', 'me/account/close', { confirm: true });
      expect(closed.status).toBe(500);
    } finally {
      bus.send = send;
    }
    await host.bus.idle();
    const account = async () =>
      (await host.services.db
        .collection('accounts')
        .read<{ id: string; type: string; status: string; closure?: { completedAt?: string } }>(PARENT, PARENT))!;
    const event = () => host.services.db.collection('jobs').read(`account-closure:${PARENT}`, PARENT);
    expect((await account()).status).toBe('closed');
    expect(await event()).toBeUndefined();

    // Within the grace time the sweep leaves it (its message may still be on the way); after it, the sweep queues it.
    await host.timers.fire('accounts-closure-sweep');
    await host.bus.idle();
    expect(await event()).toBeUndefined();
    host.clock.advance(61 * 60_000);
    await host.timers.fire('accounts-closure-sweep');
    await host.bus.idle();
    expect(await event()).toMatchObject({ type: 'account-closure', accountId: PARENT, as: 'self' });
    expect((await account()).closure?.completedAt).toEqual(expect.any(String));
    // Done: a later sweep finds nothing to queue.
    host.clock.advance(61 * 60_000);
    await host.timers.fire('accounts-closure-sweep');
    const jobs = await host.services.db
      .collection('jobs')
      .queryAll<{ name: string; counts: Record<string, number> }>('system', { where: "c.type = 'job' AND c.name = 'closure-sweep'" });
    expect(jobs.map((j) => j.counts.requeued ?? 0).sort()).toEqual([0, 0, 1]);
  }, 60_000);
});
