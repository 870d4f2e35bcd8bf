import { type Config, loadConfig } from '../shared/platform/config.js';

/**
 * The settings of a unit test's services: local, no Azure, fixed test keys; the Cosmos endpoint is never reached (the
 * test hands its embedded server's client to `createDatabase`). `extra` adds or overrides settings.
 */
export function unitConfig(extra: Record<string, string> = {}): Config {
  return loadConfig({
    APP_ENV: 'local',
    COSMOS_ENDPOINT: 'http://127.0.0.1:1/',
    EMAIL_FROM: 'no-reply@opiq.example',
    PUBLIC_WEB_URL: 'http://localhost:3000',
    API_PUBLIC_URL: 'http://localhost:7071',
    SESSION_SIGNING_KEYS: `unit:${Buffer.alloc(32, 5).toString('base64url')}`,
    UNSUBSCRIBE_SIGNING_KEYS: `u1:${Buffer.alloc(32, 8).toString('base64url')}`,
    ...extra,
  });
}
