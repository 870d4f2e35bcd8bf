import type { ProviderId } from '../auth/identity.js';
import type { SignInProvider } from '../auth/providers/types.js';
import type { BlobStore } from './blob.js';
import type { Bus } from './bus.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Database } from './cosmos.js';
import type { EmailSender } from './email.js';
import type { Telemetry } from './telemetry.js';

/** Everything a handler may use from the outside world; handlers get it as an argument, never import adapters. */
export interface Services {
  config: Config;
  clock: Clock;
  db: Database;
  bus: Bus;
  email: EmailSender;
  telemetry: Telemetry;
  /** Users' own files (LRN-4), per-account prefixes. */
  blobs: BlobStore;
  /** The sign-in providers whose settings are complete (AUTH-1). */
  identityProviders: Map<ProviderId, SignInProvider>;
}

let pending: Promise<Services> | undefined;
let factory: () => Promise<Services> = async () => {
  const [{ loadConfig }, { createAzureServices }] = await Promise.all([import('./config.js'), import('./azure-services.js')]);
  return createAzureServices(loadConfig());
};

/** The services of this process, created once on first use (in Azure: from the app settings). */
export function getServices(): Promise<Services> {
  if (!pending) {
    pending = factory();
    // A failed start (say, Cosmos unreachable) must not poison every later request.
    pending.catch(() => (pending = undefined));
  }
  return pending;
}

/** The local host and tests install their own services (embedded Cosmos, in-process bus, outbox). */
export function useServices(services: Services | (() => Promise<Services>)): void {
  factory = typeof services === 'function' ? services : async () => services;
  pending = undefined;
}
