/**
 * How long the six sign-in providers' local stand-ins take to start (RSA keys, oidc-provider): a figure, not a test
 * (a timed unit test failed on a busy machine, issue 9). In this process, median of `runs` starts.
 */
import { type IdentityProviderName, startIdentityStandIns } from '../shared/local/identity/index.js';
import { type Bench, median, round } from './lib.js';

const providers: IdentityProviderName[] = ['harid', 'mpassid', 'google', 'facebook', 'ekool', 'stuudium'];

export const bench: Bench = {
  name: 'identity',
  description: 'start time of the local sign-in provider stand-ins (HarID, MPASSid, Google, Facebook, eKool, Stuudium)',
  async run({ runs, log }) {
    const clients = Object.fromEntries(
      providers.map((p) => [
        p,
        {
          clientId: p === 'facebook' ? '1234567890123456' : `bench-${p}`,
          clientSecret: `bench-secret-${p}-0123456789abcdef`,
          redirectUris: [`http://127.0.0.1:7071/api/auth/${p}/callback`],
        },
      ]),
    ) as Parameters<typeof startIdentityStandIns>[0]['clients'];
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const standIns = await startIdentityStandIns({ clients });
      samples.push(performance.now() - started);
      await standIns.close();
      log(`start ${i + 1}/${runs}: ${round(samples[samples.length - 1]!)} ms`);
    }
    const startMs = round(median(samples));
    return { record: { identity: { startMs, runs } }, table: [{ measure: 'identity stand-ins start (median ms)', value: startMs }] };
  },
};
