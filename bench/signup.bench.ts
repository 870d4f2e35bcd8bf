/**
 * Sign-up timing, taken address versus new address (AUTH-2, issue 17): the answer must not tell whether an address
 * has an account, so both paths do the same work (the password is hashed on both). 20 sign-ups of each kind,
 * interleaved, each from its own client address so the throttles stay out of it; the figure is the ratio of the
 * slower median to the faster one. It must stay under 2: past that the bench fails (exit code 1).
 */
import { randomUUID } from 'node:crypto';

import { startLocalHost } from '../shared/local/host.js';
import { type Bench, median, round } from './lib.js';

const SAMPLES = 20;
export const MAX_RATIO = 2;

export const bench: Bench = {
  name: 'signup',
  description: `sign-up with a taken vs a new address (${SAMPLES} each, medians; the ratio must stay under ${MAX_RATIO})`,
  async run({ log }) {
    const host = await startLocalHost({
      port: 0,
      sweepIntervalMs: 0,
      identityStandIns: false,
      maksekeskusStandIn: false,
      env: { TRUSTED_PROXY_HOPS: '2' },
    });
    let ip = 0;
    const signUp = async (email: string) => {
      ip += 1;
      const started = performance.now();
      const response = await fetch(`${host.url}/api/auth/password/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.99.${Math.floor(ip / 250)}.${(ip % 250) + 1}` },
        body: JSON.stringify({ email, password: 'bench password that is long', firstName: 'Bench', lastName: 'Mark' }),
      });
      await response.arrayBuffer();
      if (response.status !== 202) throw new Error(`sign-up answered ${response.status}`);
      return performance.now() - started;
    };
    try {
      // Warm-up: JIT, the dummy paths and the containers' first writes.
      for (let i = 0; i < 3; i++) await signUp(`warm-${randomUUID()}@bench.example`);
      const fresh: number[] = [];
      const taken: number[] = [];
      let previous = `first-${randomUUID()}@bench.example`;
      await signUp(previous);
      for (let i = 0; i < SAMPLES; i++) {
        const address = `new-${randomUUID()}@bench.example`;
        fresh.push(await signUp(address));
        taken.push(await signUp(previous));
        previous = address;
      }
      log(`${fresh.length} new, ${taken.length} taken`);
      const newMs = median(fresh);
      const takenMs = median(taken);
      const ratio = Math.max(newMs, takenMs) / Math.min(newMs, takenMs);
      const within = ratio < MAX_RATIO;
      return {
        record: {
          signup: {
            samples: SAMPLES,
            newAddressMedianMs: round(newMs, 2),
            takenAddressMedianMs: round(takenMs, 2),
            ratio: round(ratio, 2),
            maxRatio: MAX_RATIO,
            within,
          },
        },
        table: [
          { path: 'new address', 'median ms': round(newMs, 2) },
          { path: 'taken address', 'median ms': round(takenMs, 2) },
          { path: 'slower / faster', 'median ms': round(ratio, 2) },
        ],
        notes: [`ratio ${round(ratio, 2)} (must be under ${MAX_RATIO}: the timing must not tell whether an address has an account)`],
        ...(within ? {} : { failures: [`sign-up timing ratio ${round(ratio, 2)} is not under ${MAX_RATIO}`] }),
      };
    } finally {
      await host.close();
    }
  },
};
