import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { definitions } from '../functions/index.js';
import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { defineTimer } from '../shared/platform/definitions.js';

let runs = 0;
const countingTimer = defineTimer({
  name: 'testing-tick',
  schedule: '0 0 3 1 8 *',
  handler: async () => {
    runs += 1;
    return { counts: { runs } };
  },
});
const failingTimer = defineTimer({
  name: 'testing-fail',
  schedule: '0 0 * * * *',
  handler: async () => {
    throw new Error('boom');
  },
});

let host: LocalHost;
const post = (path: string, body?: unknown) =>
  fetch(`${host.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });

beforeAll(async () => {
  host = await startLocalHost({ port: 0, definitions: [...definitions, countingTimer, failingTimer], sweepIntervalMs: 0, seed: false });
});
afterAll(async () => host?.close());

describe('timers and TTL on the local host', () => {
  it('RET-6: a timer fired through the admin route runs once and its run is recorded for operators', async () => {
    const response = await post('/admin/functions/testing-tick');
    expect(response.status).toBe(202);
    expect(runs).toBe(1);
    const record = await host.services.db
      .collection('jobs')
      .read<{ id: string; type: string; outcome: string; counts: Record<string, number> }>('timer-run:testing-tick', 'system');
    expect(record).toMatchObject({ type: 'timer-run', outcome: 'succeeded', counts: { runs: 1 } });
    expect(host.telemetry.records).toContainEqual(
      expect.objectContaining({ name: 'timer.completed', properties: { function: 'testing-tick', outcome: 'succeeded' } }),
    );
  });

  it('a failing timer is recorded as failed and reported as an exception', async () => {
    const response = await post('/admin/functions/testing-fail');
    expect(response.status).toBe(500);
    const record = await host.services.db.collection('jobs').read<{ id: string; type: string; outcome: string }>('timer-run:testing-fail', 'system');
    expect(record?.outcome).toBe('failed');
    expect(host.telemetry.records.some((r) => r.kind === 'exception' && r.properties.function === 'testing-fail')).toBe(true);
  });

  it('an unknown function name gets 404', async () => {
    expect((await post('/admin/functions/no-such-timer')).status).toBe(404);
  });

  it('RET-6: the TTL sweeper removes the run record once its 400-day retention has passed, not before', async () => {
    await post('/admin/functions/testing-tick');
    const jobs = host.services.db.collection('jobs');
    expect(await jobs.read('timer-run:testing-tick', 'system')).toMatchObject({ ttl: 400 * 86_400 });

    await post('/_local/clock', { advanceSeconds: 399 * 86_400 });
    await (await post('/_local/ttl-sweep')).json();
    expect(await jobs.read('timer-run:testing-tick', 'system')).toBeDefined();

    await post('/_local/clock', { advanceSeconds: 2 * 86_400 });
    const swept = (await (await post('/_local/ttl-sweep')).json()) as { removed: Record<string, number> };
    expect(swept.removed.jobs).toBeGreaterThanOrEqual(1);
    expect(await jobs.read('timer-run:testing-tick', 'system')).toBeUndefined();
  });
});
