import { randomUUID } from 'node:crypto';

import type { Doc } from '../platform/cosmos.js';
import type { Services } from '../platform/services.js';
import type { ClientInfo } from './client-info.js';
import { countryOfIp } from './geoip.js';

type SecurityEventName =
  | 'sign-in'
  | 'sign-in-failed'
  | 'sign-out'
  | 'session-refreshed'
  | 'refresh-reuse-detected'
  | 'suspended'
  | 'suspension-lifted'
  | 'password-changed'
  | 'password-reset'
  | 'login-linked'
  | 'login-unlinked'
  | 'sign-up'
  | 'session-ended'
  | 'account-closed';

export interface LoginLogDoc extends Doc {
  type: 'login-log';
  accountId: string;
  at: string;
  event: SecurityEventName;
  /** 'password', 'harid', 'google', … */
  method?: string;
  /** Why a sign-in failed, as a code ('wrong_password', 'state_mismatch'); never the submitted values. */
  reason?: string;
  ip?: string;
  country?: string;
  browser?: string;
}

/**
 * The security log (AUTH-4): every event goes to telemetry (Application Insights keeps it a year, RET-6) with the
 * IP, country and browser but no name, e-mail or personal code; events of a known account are also written to that
 * account's login log, which it can read and which is kept 5 years (RET-8).
 */
export async function recordSecurityEvent(services: Pick<Services, 'db' | 'telemetry' | 'clock'>, event: SecurityEvent): Promise<void> {
  const { entry, report } = await securityEventEntry(services, event);
  report();
  if (entry) await services.db.collection('accounts').create(entry);
}

interface SecurityEvent {
  name: SecurityEventName;
  accountId?: string;
  method?: string;
  reason?: string;
  client: ClientInfo;
}

/**
 * The event's login-log entry (for a known account) for the caller to write with other writes of the account's
 * partition (a sign-in writes it with the session, issue 11), and `report`, which sends it to telemetry: called once
 * the event has happened (a sign-up that loses a race for its address reports nothing).
 */
export async function securityEventEntry(
  services: Pick<Services, 'telemetry' | 'clock'>,
  event: SecurityEvent,
): Promise<{ entry: LoginLogDoc | undefined; report: () => void }> {
  // The edge's country header wins; otherwise the offline table (AUTH-4 asks for the country of every event).
  const client: ClientInfo = { ...event.client, ...(event.client.country ? {} : { country: await countryOfIp(event.client.ip) }) };
  if (!client.country) delete client.country;
  const report = () =>
    services.telemetry.event(`security.${event.name}`, {
      accountId: event.accountId,
      method: event.method,
      reason: event.reason,
      ip: client.ip,
      country: client.country,
      browser: client.browser,
    });
  if (!event.accountId) return { entry: undefined, report };
  const entry: LoginLogDoc = {
    id: `login-log:${randomUUID()}`,
    type: 'login-log',
    accountId: event.accountId,
    at: services.clock.now().toISOString(),
    event: event.name,
    ...(event.method ? { method: event.method } : {}),
    ...(event.reason ? { reason: event.reason } : {}),
    ...client,
  };
  return { entry, report };
}
