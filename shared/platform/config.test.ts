import { describe, expect, it } from 'vitest';

import { ConfigError, loadConfig, settingSpecs } from './config.js';

/** Key material that looks random (all byte values distinct), as Azure requires; `fill` makes each key different. */
const keyBytes = (fill: number, bytes = 32) => Buffer.from(Array.from({ length: bytes }, (_, i) => (i * 37 + fill * 11) & 255));
const key = (fill: number, bytes = 32) => keyBytes(fill, bytes).toString('base64url');

const valid = (): Record<string, string | undefined> => ({
  COSMOS_ENDPOINT: 'https://opiq-cosmos.documents.azure.com:443/',
  EMAIL_FROM: 'no-reply@opiq.example',
  PUBLIC_WEB_URL: 'https://opiq.example',
  API_PUBLIC_URL: 'https://api.opiq.example',
  SESSION_SIGNING_KEYS: `k2026:${key(1)}, k2025:${key(2)}`,
  UNSUBSCRIBE_SIGNING_KEYS: `u2026:${key(3)}`,
  ERASURE_EVIDENCE_KEYS: `e2026:${key(5)}`,
  ServiceBusConnection__fullyQualifiedNamespace: 'opiq-sb.servicebus.windows.net',
});

/** The ConfigError loadConfig throws for env (fails the test when it does not throw). */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('loadConfig accepted an invalid configuration');
}

describe('loadConfig', () => {
  it('returns typed values with defaults applied for a complete valid environment', () => {
    const config = loadConfig(valid());
    expect(config.COSMOS_ENDPOINT).toBe('https://opiq-cosmos.documents.azure.com:443/');
    expect(config.COSMOS_DATABASE).toBe('opiq');
    expect(config.MAX_BODY_BYTES).toBe(256 * 1024);
    expect(config.APP_ENV).toBe('azure');
    expect(config.SENDGRID_API_KEY).toBeUndefined();
    expect(config.SESSION_SIGNING_KEYS.map((k) => k.kid)).toEqual(['k2026', 'k2025']);
    expect(config.SESSION_SIGNING_KEYS[0]?.secret).toEqual(new Uint8Array(keyBytes(1)));
  });

  it('coerces numbers and keeps given values over defaults', () => {
    const config = loadConfig({ ...valid(), MAX_BODY_BYTES: '65536', COSMOS_DATABASE: 'opiq-test', APP_ENV: 'local' });
    expect(config.MAX_BODY_BYTES).toBe(65536);
    expect(config.COSMOS_DATABASE).toBe('opiq-test');
    expect(config.APP_ENV).toBe('local');
  });

  it('treats an empty string as unset: defaults apply, optional settings stay undefined', () => {
    const config = loadConfig({
      ...valid(),
      APP_ENV: 'local',
      COSMOS_DATABASE: '',
      MAX_BODY_BYTES: '',
      SENDGRID_API_KEY: '',
      ServiceBusConnection__fullyQualifiedNamespace: '',
    });
    expect(config.COSMOS_DATABASE).toBe('opiq');
    expect(config.MAX_BODY_BYTES).toBe(256 * 1024);
    expect(config.SENDGRID_API_KEY).toBeUndefined();
    expect(config.ServiceBusConnection__fullyQualifiedNamespace).toBeUndefined();
  });

  it.each(['COSMOS_ENDPOINT', 'EMAIL_FROM', 'PUBLIC_WEB_URL', 'SESSION_SIGNING_KEYS', 'UNSUBSCRIBE_SIGNING_KEYS'])(
    'a missing %s is a ConfigError naming it',
    (name) => {
      const error = configError({ ...valid(), [name]: undefined });
      expect(error.problems).toEqual([{ setting: name, message: 'is required but not set' }]);
      expect(error.message).toContain(`${name}: is required but not set`);
    },
  );

  it('PRIV-3: in Azure the erasure evidence key is required and must look random; locally it may be left out', () => {
    expect(configError({ ...valid(), ERASURE_EVIDENCE_KEYS: undefined }).problems).toEqual([
      { setting: 'ERASURE_EVIDENCE_KEYS', message: 'is required when APP_ENV is azure' },
    ]);
    expect(configError({ ...valid(), ERASURE_EVIDENCE_KEYS: `e1:${Buffer.alloc(32, 1).toString('base64url')}` }).problems).toEqual([
      { setting: 'ERASURE_EVIDENCE_KEYS', message: expect.stringMatching(/key e1 is not random/) },
    ]);
    expect(loadConfig({ ...valid(), APP_ENV: 'local', ERASURE_EVIDENCE_KEYS: undefined }).ERASURE_EVIDENCE_KEYS).toBeUndefined();
    expect(loadConfig({ ...valid(), ERASURE_EVIDENCE_KEYS: `e2:${key(6)},e1:${key(5)}` }).ERASURE_EVIDENCE_KEYS?.map((k) => k.kid)).toEqual([
      'e2',
      'e1',
    ]);
  });

  it('in Azure (the default APP_ENV) the Service Bus namespace is required; locally it is not', () => {
    for (const unset of [undefined, '']) {
      const error = configError({ ...valid(), ServiceBusConnection__fullyQualifiedNamespace: unset });
      expect(error.problems).toEqual([{ setting: 'ServiceBusConnection__fullyQualifiedNamespace', message: 'is required when APP_ENV is azure' }]);
      expect(error.message).toContain('ServiceBusConnection__fullyQualifiedNamespace');
    }
    expect(loadConfig({ ...valid(), APP_ENV: 'local', ServiceBusConnection__fullyQualifiedNamespace: undefined }).APP_ENV).toBe('local');
  });

  it('a malformed APP_ENV is reported once, without a follow-on namespace problem', () => {
    const error = configError({ ...valid(), APP_ENV: 'staging', ServiceBusConnection__fullyQualifiedNamespace: undefined });
    expect(error.problems.map((p) => p.setting)).toEqual(['APP_ENV']);
  });

  it('an empty required setting counts as missing', () => {
    const error = configError({ ...valid(), EMAIL_FROM: '' });
    expect(error.problems).toEqual([{ setting: 'EMAIL_FROM', message: 'is required but not set' }]);
  });

  it.each([
    ['COSMOS_ENDPOINT', 'not a url'],
    ['COSMOS_ENDPOINT', 'ftp://cosmos.example/'],
    ['PUBLIC_WEB_URL', 'javascript:alert(1)'],
    ['EMAIL_FROM', 'no-reply-at-opiq.example'],
    ['SESSION_SIGNING_KEYS', `k1:${key(1, 16)}`],
    ['SESSION_SIGNING_KEYS', `k1:${key(1)},k1:${key(2)}`],
    ['SESSION_SIGNING_KEYS', `bad kid!:${key(1)}`],
    ['SESSION_SIGNING_KEYS', key(1)],
    ['SESSION_SIGNING_KEYS', ' , '],
    ['MAX_BODY_BYTES', '12abc'],
    ['MAX_BODY_BYTES', '10'],
    ['COSMOS_DATABASE', 'opiq db'],
    ['ServiceBusConnection__fullyQualifiedNamespace', 'Endpoint=sb://x.servicebus.windows.net/;SharedAccessKey=abc'],
  ])('a malformed %s (%s) is a ConfigError naming it', (name, value) => {
    const error = configError({ ...valid(), [name]: value });
    expect(error.problems.map((p) => p.setting)).toEqual([name]);
    expect(error.message).toContain(`${name}:`);
  });

  it('the signing-key problems say what is wrong', () => {
    expect(configError({ ...valid(), SESSION_SIGNING_KEYS: `k1:${key(1, 16)}` }).problems[0]?.message).toMatch(/k1 is shorter than 32 bytes/);
    expect(configError({ ...valid(), SESSION_SIGNING_KEYS: `k1:${key(1)},k1:${key(2)}` }).problems[0]?.message).toMatch(/unique/);
    expect(configError({ ...valid(), SESSION_SIGNING_KEYS: `bad kid!:${key(1)}` }).problems[0]?.message).toMatch(/kid:base64url/);
  });

  it('AUTH-5: in Azure a session key that is not random (32 zero bytes, a repeated byte) is refused, naming the setting', () => {
    for (const weak of [Buffer.alloc(32, 0), Buffer.alloc(64, 7), Buffer.from('password'.repeat(4))]) {
      const error = configError({ ...valid(), SESSION_SIGNING_KEYS: `k2026:${weak.toString('base64url')}` });
      expect(error.problems).toEqual([{ setting: 'SESSION_SIGNING_KEYS', message: expect.stringMatching(/key k2026 is not random/) }]);
    }
    // The local stack and the tests may use fixed keys.
    expect(
      loadConfig({ ...valid(), APP_ENV: 'local', SESSION_SIGNING_KEYS: `k:${Buffer.alloc(32, 0).toString('base64url')}` }).SESSION_SIGNING_KEYS,
    ).toHaveLength(1);
  });

  it('PRIV-6: the unsubscribe keys are their own: none may be a session key, and in Azure each must be random', () => {
    expect(configError({ ...valid(), UNSUBSCRIBE_SIGNING_KEYS: `u1:${key(3)},u0:${key(2)}` }).problems).toEqual([
      { setting: 'UNSUBSCRIBE_SIGNING_KEYS', message: 'must not reuse a session signing key' },
    ]);
    const weak = configError({ ...valid(), UNSUBSCRIBE_SIGNING_KEYS: `u1:${Buffer.alloc(32, 0).toString('base64url')}` });
    expect(weak.problems).toEqual([{ setting: 'UNSUBSCRIBE_SIGNING_KEYS', message: expect.stringMatching(/key u1 is not random/) }]);
    const config = loadConfig({ ...valid(), UNSUBSCRIBE_SIGNING_KEYS: `u2:${key(4)}, u1:${key(3)}` });
    expect(config.UNSUBSCRIBE_SIGNING_KEYS.map((k) => k.kid)).toEqual(['u2', 'u1']);
  });

  it('AUTH-5, PAY-2: an unresolved Key Vault reference is refused as a secret value, naming the setting', () => {
    const reference = '@Microsoft.KeyVault(SecretUri=https://opiq-kv.vault.azure.net/secrets/maksekeskus-secret-key/)';
    for (const name of ['MAKSEKESKUS_SECRET_KEY', 'SENDGRID_API_KEY', 'HARID_CLIENT_SECRET']) {
      const error = configError({ ...valid(), [name]: reference });
      expect(error.problems.map((p) => p.setting)).toEqual([name]);
      expect(error.problems[0]!.message).toMatch(/unresolved Key Vault reference/);
      expect(error.message).toContain(`${name}: is an unresolved Key Vault reference`);
    }
    // Also locally, and also for the session keys (which would otherwise fail as "kid:base64url" only).
    const both = configError({
      ...valid(),
      APP_ENV: 'local',
      SENDGRID_API_KEY: reference,
      MAKSEKESKUS_SECRET_KEY: '@Microsoft.KeyVault(VaultName=kv;SecretName=mk)',
    });
    expect(both.problems.map((p) => p.setting).sort()).toEqual(['MAKSEKESKUS_SECRET_KEY', 'SENDGRID_API_KEY']);
  });

  it('LRN-4: a Blob Storage connection string (shared key) is refused in Azure and taken locally', () => {
    const connection =
      'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=placeholder;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;';
    expect(configError({ ...valid(), BLOB_CONNECTION_STRING: connection }).problems).toEqual([
      {
        setting: 'BLOB_CONNECTION_STRING',
        message: 'must not be set in Azure (the app reaches Blob Storage with its managed identity: BLOB_ACCOUNT_URL)',
      },
    ]);
    expect(loadConfig({ ...valid(), APP_ENV: 'local', BLOB_CONNECTION_STRING: connection }).BLOB_CONNECTION_STRING).toBe(connection);
    expect(loadConfig({ ...valid(), BLOB_ACCOUNT_URL: 'https://opiqfiles.blob.core.windows.net/' }).BLOB_ACCOUNT_URL).toBe(
      'https://opiqfiles.blob.core.windows.net/',
    );
  });

  it('reports several problems together', () => {
    const error = configError({ ...valid(), COSMOS_ENDPOINT: undefined, EMAIL_FROM: 'nope', SESSION_SIGNING_KEYS: `a:${key(1, 8)}` });
    expect(error.problems.map((p) => p.setting).sort()).toEqual(['COSMOS_ENDPOINT', 'EMAIL_FROM', 'SESSION_SIGNING_KEYS']);
    for (const name of ['COSMOS_ENDPOINT', 'EMAIL_FROM', 'SESSION_SIGNING_KEYS']) expect(error.message).toContain(name);
  });

  it('never echoes a secret value in the error', () => {
    const secret = `leaky:${'x'.repeat(10)}`;
    const error = configError({ ...valid(), SESSION_SIGNING_KEYS: secret });
    expect(error.message).not.toContain('xxxxxxxxxx');
  });

  it('every declared setting has a description and an example that is not a real secret', () => {
    for (const [name, spec] of Object.entries(settingSpecs)) {
      expect(spec.description.trim(), name).not.toBe('');
      if (spec.where === 'secret') expect(spec.example, name).toMatch(/^$|^[^:]*:<.*>$/);
    }
  });
});
