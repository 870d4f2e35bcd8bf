import { z } from 'zod';

/**
 * Every setting the app reads, declared once. `where` says who provides it in Azure:
 * - 'infrastructure': Bicep derives it from the resources it creates;
 * - 'secret': a Key Vault reference (Bicep writes the reference, the operator the value);
 * - 'parameter': the deployer supplies a plain value through main.bicepparam;
 * - 'local': only meaningful on the local embedded stack (never set in Azure).
 * infra/settings.json, local.settings.sample.json and the README's settings table are generated from this list.
 */
export interface SettingSpec {
  schema: z.ZodType;
  where: 'infrastructure' | 'secret' | 'parameter' | 'local';
  description: string;
  /** Value for local.settings.sample.json; secrets get a placeholder, never a real value. */
  example: string;
  /** A secret optional locally but needed in Azure, whose first value the deployment creates (infra/main.bicep). */
  deploymentCreates?: true;
}

const url = z.url({ protocol: /^https?$/ });
const optionalText = z.string().min(1).optional();

/** "kid:base64url,kid2:base64url": the first key signs; every listed key verifies (rotation by kid). */
export const signingKeysSchema = z.string().transform((raw, ctx) => {
  const keys: { kid: string; secret: Uint8Array }[] = [];
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [kid, material] = part.split(':');
    if (!kid || !material || !/^[A-Za-z0-9_-]{1,40}$/.test(kid)) {
      ctx.addIssue({ code: 'custom', message: 'each entry must be kid:base64url' });
      return z.NEVER;
    }
    const secret = new Uint8Array(Buffer.from(material, 'base64url'));
    if (secret.byteLength < 32) {
      ctx.addIssue({ code: 'custom', message: `key ${kid} is shorter than 32 bytes` });
      return z.NEVER;
    }
    keys.push({ kid, secret });
  }
  if (keys.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'at least one key is required' });
    return z.NEVER;
  }
  if (new Set(keys.map((k) => k.kid)).size !== keys.length) {
    ctx.addIssue({ code: 'custom', message: 'key ids must be unique' });
    return z.NEVER;
  }
  return keys;
});

/** "EE:24,FI:25.5": VAT percent by country, kept as basis points (2400, 2550) so price arithmetic stays in integers. */
export const vatRatesSchema = z
  .string()
  .default('EE:24,FI:25.5')
  .transform((raw, ctx) => {
    const rates: Partial<Record<'EE' | 'FI', number>> = {};
    for (const part of raw
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const match = /^(EE|FI):(\d{1,2}(?:\.\d{1,2})?)$/.exec(part);
      if (!match) {
        ctx.addIssue({ code: 'custom', message: 'each entry must be COUNTRY:percent (EE or FI, up to two decimals)' });
        return z.NEVER;
      }
      rates[match[1] as 'EE' | 'FI'] = Math.round(Number(match[2]) * 100);
    }
    if (rates.EE === undefined || rates.FI === undefined) {
      ctx.addIssue({ code: 'custom', message: 'rates for both EE and FI are required' });
      return z.NEVER;
    }
    return rates as Record<'EE' | 'FI', number>;
  });

export const settingSpecs = {
  APP_ENV: {
    schema: z.enum(['azure', 'local']).default('azure'),
    where: 'infrastructure',
    description: "'azure' in Azure; 'local' on the embedded stack (enables local diagnostics headers).",
    example: 'local',
  },
  COSMOS_ENDPOINT: {
    schema: url,
    where: 'infrastructure',
    description: 'Cosmos DB account endpoint. In Azure the app signs in with its managed identity.',
    example: 'https://localhost:8081/',
  },
  COSMOS_DATABASE: {
    schema: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,64}$/)
      .default('opiq'),
    where: 'infrastructure',
    description: 'Cosmos DB database name (infra/containers.json names it).',
    example: 'opiq',
  },
  COSMOS_KEY: {
    schema: optionalText,
    where: 'local',
    description: 'Account key, for a local emulator only. Azure uses managed identity and disables keys.',
    example: '',
  },
  AZURE_CLIENT_ID: {
    schema: optionalText,
    where: 'infrastructure',
    description: 'Client id of the user-assigned managed identity used for Cosmos DB and Service Bus.',
    example: '',
  },
  BLOB_ACCOUNT_URL: {
    schema: url.optional(),
    where: 'infrastructure',
    description:
      "Blob endpoint of the storage account holding users' own files (https://<account>.blob.core.windows.net/); the app signs in with its managed identity. Empty locally: Azurite is used.",
    example: '',
  },
  BLOB_CONNECTION_STRING: {
    schema: optionalText,
    where: 'local',
    description:
      'Connection string of a local Blob Storage emulator (Azurite); the local host sets it to the Azurite it starts. Never in Azure (shared keys are off there).',
    example: '',
  },
  ServiceBusConnection__fullyQualifiedNamespace: {
    schema: z
      .string()
      .regex(/^[a-z0-9-]+\.servicebus\.windows\.net$/i)
      .optional(),
    where: 'infrastructure',
    description:
      'Service Bus namespace (<ns>.servicebus.windows.net); the triggers and the sender share it. Empty locally: the in-process bus is used.',
    example: '',
  },
  APPLICATIONINSIGHTS_CONNECTION_STRING: {
    schema: optionalText,
    where: 'infrastructure',
    description: 'Application Insights; when empty, telemetry is written to the console as JSON lines.',
    example: '',
  },
  TELEMETRY_PSEUDONYM_KEY: {
    schema: z
      .string()
      .regex(/^[A-Za-z0-9_-]{43,}$/, 'base64url of at least 32 random bytes')
      .optional(),
    where: 'secret',
    description:
      'Key of the pseudonymous user ids on user-action events in telemetry (LOG-2): HMAC-SHA256 of the account id, base64url of >= 32 random bytes (openssl rand -base64 32 | tr +/ -_ | tr -d =); when empty, actions are sent without a user id.',
    example: '',
  },
  SENDGRID_API_KEY: {
    schema: optionalText,
    where: 'secret',
    description: 'SendGrid API key; when empty, e-mail goes to the local outbox.',
    example: '',
  },
  SENDGRID_WEBHOOK_PUBLIC_KEY: {
    schema: z
      .string()
      .regex(/^[A-Za-z0-9+/]{40,400}={0,2}$/, 'the base64 DER (SubjectPublicKeyInfo) public key SendGrid shows for the signed event webhook')
      .optional(),
    where: 'parameter',
    description:
      "Public key of SendGrid's signed event webhook (MKT-1): base64 DER as SendGrid shows it (MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE…). When empty, POST /api/webhooks/sendgrid refuses every event (401).",
    example: '',
  },
  EMAIL_FROM: {
    schema: z.email(),
    where: 'parameter',
    description: 'Sender address of every e-mail.',
    example: 'no-reply@opiq.example',
  },
  PUBLIC_WEB_URL: {
    schema: url,
    where: 'parameter',
    description: 'Base URL of the web front end (links in e-mails, return paths).',
    example: 'http://127.0.0.1:3000',
  },
  PUBLIC_WEB_URL_FI: {
    schema: url.optional(),
    where: 'parameter',
    description:
      'Base URL of the Finnish site (opiq.fi; OPS-3): links in e-mails to people of Finland, and a CORS origin. Unset: PUBLIC_WEB_URL serves both countries.',
    example: '',
  },
  EMAIL_FROM_FI: {
    schema: z.email().optional(),
    where: 'parameter',
    description: 'Sender address of e-mails to people of Finland (OPS-3). Unset: EMAIL_FROM.',
    example: '',
  },
  OPERATOR_ADDRESS_EE: {
    schema: z.string().min(1).max(200).optional(),
    where: 'parameter',
    description: "Star Cloud OÜ's postal address, shown with the controller's details (OPS-3); the privacy notices do not state it.",
    example: '',
  },
  OPERATOR_ADDRESS_FI: {
    schema: z.string().min(1).max(200).optional(),
    where: 'parameter',
    description: "E-Oppi Oy's postal address, shown with the Finnish operator's details (OPS-3); the privacy notices do not state it.",
    example: '',
  },
  OPERATOR_REGISTRY_CODE_FI: {
    schema: z
      .string()
      .regex(/^\d{7}-\d$/, 'must be a Finnish business id (Y-tunnus) like 1234567-8')
      .optional(),
    where: 'parameter',
    description: "E-Oppi Oy's business id (Y-tunnus), shown with the Finnish operator's details (OPS-3); the privacy notices do not state it.",
    example: '',
  },
  SESSION_SIGNING_KEYS: {
    schema: signingKeysSchema,
    where: 'secret',
    description: 'Session token keys "kid:base64url,kid2:base64url" (>= 32 bytes each); the first signs, all verify.',
    example: '',
  },
  UNSUBSCRIBE_SIGNING_KEYS: {
    schema: signingKeysSchema,
    where: 'secret',
    description:
      'Unsubscribe link keys (PRIV-6, MKT-1) "kid:base64url,kid2:base64url" (>= 32 bytes each), not the session keys; the first signs, all verify: keep an old key listed while mails carrying its links may still be opened.',
    example: '',
  },
  ERASURE_EVIDENCE_KEYS: {
    schema: signingKeysSchema.optional(),
    where: 'secret',
    deploymentCreates: true,
    description:
      'Keys of the erasure evidence (PRIV-3) "kid:base64url,kid2:base64url" (>= 32 bytes each), no other key: the keyed hash of an erased account id is made under the first; evidence is found under every listed one (it keeps its kid), so keep an old key listed for as long as evidence made with it must be shown. Required in Azure; locally, when empty, derived from SESSION_SIGNING_KEYS.',
    example: '',
  },
  MAX_BODY_BYTES: {
    schema: z.coerce
      .number()
      .int()
      .min(1024)
      .max(10 * 1024 * 1024)
      .default(256 * 1024),
    where: 'parameter',
    description: 'Largest accepted request body in bytes (default 262144).',
    example: '262144',
  },
  MATERIALS_QUOTA_BYTES: {
    schema: z.coerce
      .number()
      .int()
      .min(1024)
      .max(1024 * 1024 * 1024)
      .default(200 * 1024 * 1024),
    where: 'parameter',
    description: 'Bytes of own materials (files and texts) one account may keep (LRN-4; default 209715200, 200 MiB).',
    example: '209715200',
  },
  SCHOOL_CODE_CHANGES_PER_WINDOW: {
    schema: z.coerce.number().int().min(1).max(10_000).default(30),
    where: 'parameter',
    description:
      "Personal codes one school administrator may enter or correct in 15 minutes (ACC-5) before 429 (default 30: a class's codes and typos, not a sweep of codes).",
    example: '30',
  },
  USAGE_EVENTS_PER_MINUTE: {
    schema: z.coerce.number().int().min(10).max(1_000_000).default(600),
    where: 'parameter',
    description:
      'Usage events (LOG-1) one session, or one address without a session, may post per minute at POST /api/events before 429 (default 600: a page view every few seconds with room to spare).',
    example: '600',
  },
  API_DOCS_ENABLED: {
    schema: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    where: 'parameter',
    description: 'Serve the interactive API docs page at /api/docs (default true; the OpenAPI JSON stays at /api/openapi.json either way).',
    example: 'true',
  },
  API_PUBLIC_URL: {
    schema: url,
    where: 'parameter',
    description: "This API's public base URL (without /api): sign-in providers redirect back to <API_PUBLIC_URL>/api/auth/<provider>/callback.",
    example: 'http://127.0.0.1:7071',
  },
  AUTH_RETURN_PATHS: {
    schema: z
      .string()
      .default('/')
      .transform((v) =>
        v
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(/^\/[A-Za-z0-9/_-]*$/, 'each entry must be a path like /shop'))),
    where: 'parameter',
    description: 'Comma-separated path prefixes of the web front end that sign-in may return to (default "/": any path on PUBLIC_WEB_URL).',
    example: '/',
  },
  TRUSTED_PROXY_HOPS: {
    schema: z.coerce.number().int().min(1).max(5).default(1),
    where: 'parameter',
    description:
      'How many proxies in front of the app append to X-Forwarded-For (1: the Functions front end; 2: Front Door + front end). The client IP is the entry that many places from the right; entries further left are client-supplied and not trusted.',
    example: '1',
  },
  EDGE_COUNTRY_HEADER: {
    schema: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/)
      .optional(),
    where: 'parameter',
    description: 'Request header in which the edge (Front Door rule, CDN) passes the client country for the security log; unset = no country.',
    example: '',
  },
  HARID_ISSUER: {
    schema: url.optional(),
    where: 'parameter',
    description: 'HarID OpenID issuer (https://harid.ee; test: https://test.harid.ee). HarID is on when issuer, client id and secret are set.',
    example: '',
  },
  HARID_CLIENT_ID: { schema: optionalText, where: 'parameter', description: 'HarID client id.', example: '' },
  MPASSID_ISSUER: {
    schema: url.optional(),
    where: 'parameter',
    description: 'MPASSid OpenID issuer (https://mpass-proxy.csc.fi; test: https://mpass-proxy-test.csc.fi).',
    example: '',
  },
  MPASSID_CLIENT_ID: { schema: optionalText, where: 'parameter', description: 'MPASSid client id.', example: '' },
  GOOGLE_ISSUER: { schema: url.default('https://accounts.google.com'), where: 'parameter', description: 'Google OpenID issuer.', example: '' },
  GOOGLE_CLIENT_ID: { schema: optionalText, where: 'parameter', description: 'Google OAuth client id.', example: '' },
  FACEBOOK_APP_ID: { schema: optionalText, where: 'parameter', description: 'Facebook app id.', example: '' },
  FACEBOOK_DIALOG_URL: {
    schema: url.default('https://www.facebook.com/v19.0/dialog/oauth'),
    where: 'parameter',
    description: 'Facebook login dialog URL.',
    example: '',
  },
  FACEBOOK_GRAPH_URL: {
    schema: url.default('https://graph.facebook.com/v19.0'),
    where: 'parameter',
    description: 'Facebook Graph API base URL.',
    example: '',
  },
  EKOOL_AUTHORIZE_URL: {
    schema: url.default('https://login.ekool.eu/oauth/authorize'),
    where: 'parameter',
    description: 'eKool OAuth authorization endpoint.',
    example: '',
  },
  EKOOL_TOKEN_URL: {
    schema: url.optional(),
    where: 'parameter',
    description: 'eKool OAuth token endpoint (given by eKool on registration).',
    example: '',
  },
  EKOOL_USERINFO_URL: {
    schema: url.optional(),
    where: 'parameter',
    description: 'eKool user information endpoint (given by eKool on registration).',
    example: '',
  },
  EKOOL_CLIENT_ID: { schema: optionalText, where: 'parameter', description: 'eKool client id.', example: '' },
  STUUDIUM_API_URL: {
    schema: url.default('https://api.ope.ee/v1.1'),
    where: 'parameter',
    description: 'Stuudium API base (authenticate and authenticate/verify live under it).',
    example: '',
  },
  STUUDIUM_CLIENT_ID: { schema: optionalText, where: 'parameter', description: 'Stuudium client id.', example: '' },
  OIDC_ALLOW_HTTP: {
    schema: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    where: 'local',
    description: 'Lets the OpenID client talk plain HTTP to the local stand-in providers. Never in Azure.',
    example: 'false',
  },
  MAKSEKESKUS_SECRET_KEY: {
    schema: optionalText,
    where: 'secret',
    description: 'Maksekeskus secret key (API basic auth and message MAC).',
    example: '',
  },
  MAKSEKESKUS_SHOP_ID: {
    schema: optionalText,
    where: 'parameter',
    description:
      'Maksekeskus shop id (API user name and the `shop` of its messages). Bank links and cards are on when the shop id and MAKSEKESKUS_SECRET_KEY are set.',
    example: '',
  },
  MAKSEKESKUS_API_URL: {
    schema: url.default('https://api.maksekeskus.ee/v1'),
    where: 'parameter',
    description: 'Maksekeskus API base, ending in /v1 (test: https://api.test.maksekeskus.ee/v1).',
    example: '',
  },
  VAT_RATES: {
    schema: vatRatesSchema,
    where: 'parameter',
    description:
      'VAT rate in percent by the buyer\'s country, "EE:24,FI:25.5" (the default); catalogue prices include VAT. Check the rate for e-publications with the tax adviser.',
    example: 'EE:24,FI:25.5',
  },
  INVOICE_SELLER: {
    schema: z.string().min(1).max(200).default('Star Cloud OÜ'),
    where: 'parameter',
    description: 'Seller named on prepayment invoices.',
    example: '',
  },
  INVOICE_SELLER_FI: {
    schema: z.string().min(1).max(200).optional(),
    where: 'parameter',
    description:
      'Seller named on invoices of buyers in Finland (OPS-3). Unset: INVOICE_SELLER (the Finnish notice names Star Cloud OÜ as the service provider).',
    example: '',
  },
  INVOICE_IBAN: {
    schema: z
      .string()
      .regex(/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/, 'must be an IBAN without spaces')
      .optional(),
    where: 'parameter',
    description: 'Bank account (IBAN, no spaces) that prepayment invoices ask the buyer to pay to; prepayment invoices are on when it is set.',
    example: '',
  },
  INVOICE_DUE_DAYS: {
    schema: z.coerce.number().int().min(1).max(60).default(14),
    where: 'parameter',
    description: 'Days a prepayment invoice gives the buyer to pay (default 14).',
    example: '14',
  },
  ASSISTANT_PROVIDER: {
    schema: z.enum(['none', 'openai', 'anthropic']).default('none'),
    where: 'parameter',
    description:
      "OpiqGPT trial (GPT-1): 'openai' (Chat Completions protocol), 'anthropic' (Messages protocol) or 'none' (the assistant answers 503).",
    example: 'none',
  },
  ASSISTANT_API_URL: {
    schema: url.optional(),
    where: 'parameter',
    description: 'Base URL of the assistant provider; default https://api.openai.com/v1 (openai) or https://api.anthropic.com (anthropic).',
    example: '',
  },
  ASSISTANT_API_KEY: { schema: optionalText, where: 'secret', description: "The assistant provider's API key.", example: '' },
  ASSISTANT_MODEL: {
    schema: optionalText,
    where: 'parameter',
    description: 'The model the assistant asks for; default gpt-4o-mini (openai) or claude-haiku-4-5 (anthropic).',
    example: '',
  },
  ASSISTANT_ANTHROPIC_VERSION: {
    schema: z.string().min(1).default('2023-06-01'),
    where: 'parameter',
    description: 'The pinned anthropic-version header of the Messages protocol (no sampling parameters are ever sent).',
    example: '2023-06-01',
  },
  ASSISTANT_MAX_TOKENS: {
    schema: z.coerce.number().int().min(16).max(4000).default(600),
    where: 'parameter',
    description: "Cap on the length of one assistant reply, in the provider's tokens (children read it: short answers).",
    example: '600',
  },
  ASSISTANT_TIMEOUT_SECONDS: {
    schema: z.coerce.number().min(0.1).max(120).default(30),
    where: 'parameter',
    description: 'How long one call to the provider may take before the user gets a 503 (each call is aborted then).',
    example: '30',
  },
  ASSISTANT_MODERATION: {
    schema: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    where: 'parameter',
    description:
      "Check the typed text and the reply with a moderation endpoint (OpenAI protocol): the openai provider's own, or ASSISTANT_MODERATION_URL; with anthropic and no ASSISTANT_MODERATION_URL the assistant answers 503.",
    example: 'true',
  },
  ASSISTANT_MODERATION_URL: {
    schema: url.optional(),
    where: 'parameter',
    description:
      'Base URL of an OpenAI-protocol moderation endpoint (POST /v1/moderations), e.g. https://api.openai.com; needed with the anthropic provider, whose protocol has none; default the openai provider itself.',
    example: '',
  },
  ASSISTANT_MODERATION_API_KEY: {
    schema: optionalText,
    where: 'secret',
    description: 'Bearer key of ASSISTANT_MODERATION_URL (with the openai provider the provider key when unset).',
    example: '',
  },
  ASSISTANT_USER_LIMIT: {
    schema: z.coerce.number().int().min(1).default(30),
    where: 'parameter',
    description: 'Assistant messages one user may send per window (429 with Retry-After past it).',
    example: '30',
  },
  ASSISTANT_SCHOOL_LIMIT: {
    schema: z.coerce.number().int().min(1).default(1000),
    where: 'parameter',
    description: "Assistant messages all of one school's users may send per window.",
    example: '1000',
  },
  ASSISTANT_LIMIT_WINDOW_SECONDS: {
    schema: z.coerce.number().int().min(1).default(3600),
    where: 'parameter',
    description: 'The window of the assistant rate limits, in seconds.',
    example: '3600',
  },
  HARID_CLIENT_SECRET: { schema: optionalText, where: 'secret', description: 'HarID OIDC client secret.', example: '' },
  MPASSID_CLIENT_SECRET: { schema: optionalText, where: 'secret', description: 'MPASSid OIDC client secret.', example: '' },
  GOOGLE_CLIENT_SECRET: { schema: optionalText, where: 'secret', description: 'Google OIDC client secret.', example: '' },
  FACEBOOK_APP_SECRET: { schema: optionalText, where: 'secret', description: 'Facebook app secret.', example: '' },
  EKOOL_CLIENT_SECRET: { schema: optionalText, where: 'secret', description: 'eKool OAuth client secret.', example: '' },
  STUUDIUM_CLIENT_SECRET: { schema: optionalText, where: 'secret', description: 'Stuudium API client secret.', example: '' },
} satisfies Record<string, SettingSpec>;

type Specs = typeof settingSpecs;
export type Config = { [K in keyof Specs]: z.output<Specs[K]['schema']> };

export class ConfigError extends Error {
  constructor(readonly problems: { setting: string; message: string }[]) {
    super(`Configuration is invalid: ${problems.map((p) => `${p.setting}: ${p.message}`).join('; ')}. ` + 'See the settings table in README.md.');
    this.name = 'ConfigError';
  }
}

/**
 * Whether key material looks like the output of a random generator: 32 random bytes have ~28 distinct values and
 * never fewer than 16 in practice, while typed or padded keys (32 zero bytes, a repeated word) have far fewer.
 */
function looksRandom(secret: Uint8Array): boolean {
  return new Set(secret).size >= 16;
}

/** Reads and validates every setting once; empty strings count as unset (app settings cannot be null). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const problems: { setting: string; message: string }[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(settingSpecs) as [string, SettingSpec][]) {
    const raw = env[name];
    const result = spec.schema.safeParse(raw === '' ? undefined : raw);
    if (result.success) out[name] = result.data;
    else
      problems.push({
        setting: name,
        message: raw === undefined || raw === '' ? 'is required but not set' : (result.error.issues[0]?.message ?? 'is malformed'),
      });
  }
  // Rules across settings: in Azure the bus is Service Bus, so its namespace must be known.
  // (Not when APP_ENV or the namespace itself is already reported: a malformed namespace is one problem, not two.)
  if (
    out.APP_ENV === 'azure' &&
    !out.ServiceBusConnection__fullyQualifiedNamespace &&
    !problems.some((p) => p.setting === 'APP_ENV' || p.setting === 'ServiceBusConnection__fullyQualifiedNamespace')
  )
    problems.push({ setting: 'ServiceBusConnection__fullyQualifiedNamespace', message: 'is required when APP_ENV is azure' });
  if (out.APP_ENV === 'azure' && out.OIDC_ALLOW_HTTP === true) problems.push({ setting: 'OIDC_ALLOW_HTTP', message: 'must not be true in Azure' });
  if (out.APP_ENV === 'azure' && out.BLOB_CONNECTION_STRING)
    problems.push({
      setting: 'BLOB_CONNECTION_STRING',
      message: 'must not be set in Azure (the app reaches Blob Storage with its managed identity: BLOB_ACCOUNT_URL)',
    });
  // A Key Vault reference the platform could not resolve arrives as its own text ("@Microsoft.KeyVault(...)"): used as
  // a key it fails every call (SendGrid, Maksekeskus) or, worse, signs with a public string. Refused wherever it is.
  for (const [name, raw] of Object.entries(env))
    if (name in settingSpecs && typeof raw === 'string' && /^\s*@Microsoft\.KeyVault\s*\(/i.test(raw))
      problems.push({
        setting: name,
        message: "is an unresolved Key Vault reference (give the app's identity access to the vault and check the secret name)",
      });
  if (out.APP_ENV === 'azure' && Array.isArray(out.SESSION_SIGNING_KEYS))
    for (const key of out.SESSION_SIGNING_KEYS as { kid: string; secret: Uint8Array }[])
      if (!looksRandom(key.secret))
        problems.push({ setting: 'SESSION_SIGNING_KEYS', message: `key ${key.kid} is not random (generate it with: openssl rand -base64 32)` });
  if (out.APP_ENV === 'azure' && Array.isArray(out.UNSUBSCRIBE_SIGNING_KEYS))
    for (const key of out.UNSUBSCRIBE_SIGNING_KEYS as { kid: string; secret: Uint8Array }[])
      if (!looksRandom(key.secret))
        problems.push({ setting: 'UNSUBSCRIBE_SIGNING_KEYS', message: `key ${key.kid} is not random (generate it with: openssl rand -base64 32)` });
  if (out.APP_ENV === 'azure' && !out.ERASURE_EVIDENCE_KEYS && !problems.some((p) => p.setting === 'ERASURE_EVIDENCE_KEYS'))
    problems.push({ setting: 'ERASURE_EVIDENCE_KEYS', message: 'is required when APP_ENV is azure' });
  if (out.APP_ENV === 'azure' && Array.isArray(out.ERASURE_EVIDENCE_KEYS))
    for (const key of out.ERASURE_EVIDENCE_KEYS as { kid: string; secret: Uint8Array }[])
      if (!looksRandom(key.secret))
        problems.push({ setting: 'ERASURE_EVIDENCE_KEYS', message: `key ${key.kid} is not random (generate it with: openssl rand -base64 32)` });
  // Separate keys (PRIV-6): whoever holds one kind of key must not be able to make the other kind of token.
  if (Array.isArray(out.UNSUBSCRIBE_SIGNING_KEYS) && Array.isArray(out.SESSION_SIGNING_KEYS)) {
    const session = (out.SESSION_SIGNING_KEYS as { secret: Uint8Array }[]).map((k) => Buffer.from(k.secret).toString('base64url'));
    if ((out.UNSUBSCRIBE_SIGNING_KEYS as { secret: Uint8Array }[]).some((k) => session.includes(Buffer.from(k.secret).toString('base64url'))))
      problems.push({ setting: 'UNSUBSCRIBE_SIGNING_KEYS', message: 'must not reuse a session signing key' });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as Config;
}
