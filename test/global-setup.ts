import { rmSync } from 'node:fs';

import type { TestProject } from 'vitest/node';

import { TELEMETRY_RECORD_DIR } from '../scripts/telemetry-scan.js';
import { startLocalHost } from '../shared/local/host.js';

/** A fixed key for the test run so tests can mint session tokens the app accepts. */
export const TEST_SIGNING_KEYS = `test1:${Buffer.alloc(32, 7).toString('base64url')}`;
/** Likewise for unsubscribe links (PRIV-6): their own key, never a session key. */
const TEST_UNSUBSCRIBE_KEYS = `unsub1:${Buffer.alloc(32, 9).toString('base64url')}`;

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    signingKeys: string;
    unsubscribeKeys: string;
  }
}

/** Starts the local host once per run on a free port; end-to-end tests drive it over HTTP. */
export default async function setup(project: TestProject) {
  // A fresh record of what this run sends to telemetry (LOG-2); the global host and every suite's host write there.
  process.env.OPIQ_TELEMETRY_RECORD_DIR ??= TELEMETRY_RECORD_DIR;
  rmSync(process.env.OPIQ_TELEMETRY_RECORD_DIR, { recursive: true, force: true });
  const host = await startLocalHost({
    port: 0,
    // Two hops: the tests' own X-Forwarded-For stands for the client address, so IP throttling can be tested per test.
    env: {
      SESSION_SIGNING_KEYS: TEST_SIGNING_KEYS,
      UNSUBSCRIBE_SIGNING_KEYS: TEST_UNSUBSCRIBE_KEYS,
      MAX_BODY_BYTES: '65536',
      TRUSTED_PROXY_HOPS: '2',
      // Every suite's new students get their codes from the one demo administrator; the limit itself is tested on a
      // host of its own (test/school-code-limit.e2e.test.ts).
      SCHOOL_CODE_CHANGES_PER_WINDOW: '1000',
    },
    sweepIntervalMs: 0,
    redeliveryDelayMs: 5,
  });
  project.provide('baseUrl', host.url);
  project.provide('signingKeys', TEST_SIGNING_KEYS);
  project.provide('unsubscribeKeys', TEST_UNSUBSCRIBE_KEYS);
  return async () => {
    await host.close();
  };
}
