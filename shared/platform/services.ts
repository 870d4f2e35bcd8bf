import type { Bus } from './bus.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Database, StorageRules } from './cosmos.js';
import type { EmailSender } from './email.js';
import type { Telemetry } from './telemetry.js';

/** The adapters platform builds itself. */
export interface PlatformServices {
  config: Config;
  clock: Clock;
  db: Database;
  bus: Bus;
  email: EmailSender;
  telemetry: Telemetry;
}

/**
 * Everything a handler may use from the outside world; handlers get it as an argument, never import adapters.
 * Areas add what they provide by declaration merging (auth adds `identityProviders`), so platform imports no area:
 *
 *   declare module '../platform/services.js' { interface Services { identityProviders: Map<ProviderId, SignInProvider> } }
 */
export interface Services extends PlatformServices {}

/** What areas add to the platform's services. */
type AreaServices = Omit<Services, keyof PlatformServices>;

/**
 * What the composition (functions/index.ts) gives platform in Azure: the data registry's storage rules, and how to
 * build what areas add to the services. The local host and tests install whole services with `useServices` instead.
 */
export interface Composition {
  storage: StorageRules;
  areaServices: (platform: PlatformServices) => AreaServices;
}

let composition: Composition | undefined;

/** Called once by the app's entry point, before the first request. */
export function compose(parts: Composition): void {
  composition = parts;
}

let pending: Promise<Services> | undefined;
let factory: () => Promise<Services> = async () => {
  if (!composition) throw new Error('No composition: functions/index.ts calls compose() before any function runs');
  const parts = composition;
  const [{ loadConfig }, { createAzureServices }] = await Promise.all([import('./config.js'), import('./azure-services.js')]);
  return createAzureServices(loadConfig(), parts);
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
