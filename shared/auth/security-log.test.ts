import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type EmbeddedCosmos, startEmbeddedCosmos } from '../local/cosmos-server.js';
import { AdjustableClock } from '../platform/clock.js';
import { createDatabase, type Database } from '../platform/cosmos.js';
import { MemoryTelemetry } from '../platform/telemetry.js';
import { storageRules } from '../privacy/registry.js';
import { type LoginLogDoc, recordSecurityEvent } from './security-log.js';

let cosmos: EmbeddedCosmos;
let db: Database;
const clock = new AdjustableClock();

beforeAll(async () => {
  cosmos = await startEmbeddedCosmos();
  db = createDatabase(cosmos.client, 'opiq', storageRules, clock);
});
afterAll(async () => cosmos?.close());

describe('the security log', () => {
  it('RET-8, AUTH-4: a login-log document is written per event and expires after 5 years', async () => {
    const telemetry = new MemoryTelemetry();
    await recordSecurityEvent(
      { db, clock, telemetry },
      { name: 'sign-in', accountId: 'acc-log-1', method: 'harid', client: { ip: '203.0.113.9', country: 'EE', browser: 'Firefox 133 (Linux)' } },
    );
    const [doc] = await db.collection('accounts').queryAll<LoginLogDoc>('acc-log-1', { where: "c.type = 'login-log'" });
    expect(doc).toMatchObject({ event: 'sign-in', method: 'harid', ip: '203.0.113.9', country: 'EE', browser: 'Firefox 133 (Linux)' });
    expect(doc!.ttl).toBe(1827 * 86_400);
    expect(doc!.ttl! / 86_400 / 365.25).toBeGreaterThanOrEqual(5);
  });

  it('AUTH-4: the telemetry event carries IP, country and browser but not personal codes or e-mails', async () => {
    const telemetry = new MemoryTelemetry();
    await recordSecurityEvent(
      { db, clock, telemetry },
      { name: 'sign-in-failed', method: 'password', reason: 'mari.mets@kuusiku.example 47502124911', client: { ip: '203.0.113.10' } },
    );
    expect(telemetry.records).toEqual([
      expect.objectContaining({ name: 'security.sign-in-failed', properties: { method: 'password', reason: '[redacted]', ip: '203.0.113.10' } }),
    ]);
  });

  it('an event without a known account goes only to telemetry', async () => {
    const telemetry = new MemoryTelemetry();
    await recordSecurityEvent({ db, clock, telemetry }, { name: 'sign-in-failed', method: 'password', reason: 'unknown_name', client: {} });
    expect(telemetry.records).toHaveLength(1);
  });
});
