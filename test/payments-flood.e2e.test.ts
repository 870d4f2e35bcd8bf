import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type LocalHost, startLocalHost } from '../shared/local/host.js';
import { REJECTIONS_STORED_PER_IP } from '../shared/payments/inbound.js';

/** Own host, where the test's X-Forwarded-For stands for the client address (two trusted hops). */
let host: LocalHost;
beforeAll(async () => {
  host = await startLocalHost({ port: 0, sweepIntervalMs: 0, identityStandIns: false, seed: false, env: { TRUSTED_PROXY_HOPS: '2' } });
});
afterAll(async () => host?.close());

const forged = (ip: string, i: number) =>
  fetch(`${host.url}/api/payments/maksekeskus/notification`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ip },
    body: new URLSearchParams({ json: JSON.stringify({ transaction: `t-${i}`, status: 'COMPLETED' }), mac: 'AB'.repeat(64) }).toString(),
  });

describe('PAY-2: junk cannot fill the message store', () => {
  it(`PAY-2: forged messages are stored up to ${REJECTIONS_STORED_PER_IP} per client IP in 15 minutes, then only counted; other senders are unaffected`, async () => {
    const stored: boolean[] = [];
    for (let i = 0; i < REJECTIONS_STORED_PER_IP + 5; i++) {
      const response = await forged('203.0.113.66', i);
      expect(response.status).toBe(400);
      stored.push(response.headers.has('x-payment-message-id'));
    }
    expect(stored.filter(Boolean)).toHaveLength(REJECTIONS_STORED_PER_IP);
    expect(stored.slice(-5)).toEqual([false, false, false, false, false]);
    expect((await forged('198.51.100.9', 0)).headers.has('x-payment-message-id')).toBe(true);
    const unstored = host.telemetry.records.filter((r) => r.name === 'security.payment-message-rejected' && r.properties.stored === 'false');
    expect(unstored).toHaveLength(5);
  });
});
