import { describe, expect, it } from 'vitest';

import { isAppError } from '../platform/errors.js';
import type { Services } from '../platform/services.js';
import { receiveSendGridEvents } from './webhook.js';

/**
 * SendGrid's own test vector (sendgrid-nodejs, packages/eventwebhook/src/eventwebhook.spec.js): a signature SendGrid's
 * library accepts. Ours must accept it too, so what we verify is SendGrid's scheme and not only our own signing.
 */
const PUBLIC_KEY = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==';
const SIGNATURE = 'MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=';
const TIMESTAMP = '1588788367';
const PAYLOAD = new TextEncoder().encode(JSON.stringify({ category: 'example_payload', event: 'test_event', message_id: 'message_id' }));

/** `key` null: none configured. */
const servicesAt = (seconds: number, key: string | null = PUBLIC_KEY) =>
  ({
    config: { SENDGRID_WEBHOOK_PUBLIC_KEY: key ?? undefined, UNSUBSCRIBE_SIGNING_KEYS: [{ kid: 'k', secret: new Uint8Array(32) }] },
    clock: { now: () => new Date(seconds * 1000) },
    bus: undefined,
  }) as unknown as Pick<Services, 'bus' | 'clock' | 'config'>;

async function outcome(services: Pick<Services, 'bus' | 'clock' | 'config'>, signature: string | null, timestamp: string | null, body = PAYLOAD) {
  try {
    await receiveSendGridEvents(services, { signature, timestamp }, body);
    return 'accepted';
  } catch (error) {
    for (const code of ['sendgrid_signature_invalid', 'sendgrid_events_invalid'] as const) if (isAppError(error, code)) return code;
    throw error;
  }
}

describe("SendGrid's signed event webhook (MKT-1)", () => {
  const fresh = servicesAt(Number(TIMESTAMP) + 30);

  it("MKT-1: SendGrid's published signature is accepted (its payload, an object, is then refused as not an events array)", async () => {
    expect(await outcome(fresh, SIGNATURE, TIMESTAMP)).toBe('sendgrid_events_invalid');
  });

  it('MKT-1: one changed byte of signature, timestamp or body, another key, or no key configured is refused', async () => {
    const otherSignature = SIGNATURE.replace('NH2j', 'NH3j');
    expect(await outcome(fresh, otherSignature, TIMESTAMP)).toBe('sendgrid_signature_invalid');
    expect(await outcome(servicesAt(Number(TIMESTAMP) + 30), SIGNATURE, String(Number(TIMESTAMP) + 1))).toBe('sendgrid_signature_invalid');
    expect(await outcome(fresh, SIGNATURE, TIMESTAMP, new TextEncoder().encode('payload'))).toBe('sendgrid_signature_invalid');
    const otherKey = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqTxd43gyp8IOEto2LdIfjRQrIbsd4SXZkLW6jDutdhXSJCWHw8REntlo7aNDthvj+y7GjUuFDb/R1NGe1OPzpA==';
    expect(await outcome(servicesAt(Number(TIMESTAMP) + 30, otherKey), SIGNATURE, TIMESTAMP)).toBe('sendgrid_signature_invalid');
    expect(await outcome(servicesAt(Number(TIMESTAMP) + 30, null), SIGNATURE, TIMESTAMP)).toBe('sendgrid_signature_invalid');
    expect(await outcome(fresh, 'not base64 DER', TIMESTAMP)).toBe('sendgrid_signature_invalid');
    expect(await outcome(fresh, null, TIMESTAMP)).toBe('sendgrid_signature_invalid');
    expect(await outcome(fresh, SIGNATURE, null)).toBe('sendgrid_signature_invalid');
  });

  it('MKT-1: the signature holds for 25 hours after its timestamp and up to 5 minutes before it, not beyond', async () => {
    const at = Number(TIMESTAMP);
    expect(await outcome(servicesAt(at + 25 * 3600), SIGNATURE, TIMESTAMP)).toBe('sendgrid_events_invalid');
    expect(await outcome(servicesAt(at + 25 * 3600 + 1), SIGNATURE, TIMESTAMP)).toBe('sendgrid_signature_invalid');
    expect(await outcome(servicesAt(at - 300), SIGNATURE, TIMESTAMP)).toBe('sendgrid_events_invalid');
    expect(await outcome(servicesAt(at - 301), SIGNATURE, TIMESTAMP)).toBe('sendgrid_signature_invalid');
  });
});
