import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AssistantStandIn, startAssistantStandIn } from '../local/assistant-stand-in.js';
import { ProviderError, providerFrom } from './providers.js';

/** The two protocol clients against the local stand-in that speaks both (shared/local/assistant-stand-in.ts). */
let standIn: AssistantStandIn;
beforeAll(async () => {
  standIn = await startAssistantStandIn();
});
afterAll(async () => standIn?.close());

type Settings = Parameters<typeof providerFrom>[0];
const settings = (provider: 'openai' | 'anthropic', extra: Partial<Settings> = {}): Settings => ({
  ASSISTANT_PROVIDER: provider,
  ASSISTANT_API_URL: standIn.url,
  ASSISTANT_API_KEY: standIn.apiKey,
  ASSISTANT_MODEL: undefined,
  ASSISTANT_ANTHROPIC_VERSION: '2023-06-01',
  ASSISTANT_TIMEOUT_SECONDS: 0.5,
  ASSISTANT_MODERATION_URL: undefined,
  ASSISTANT_MODERATION_API_KEY: undefined,
  ...extra,
});
const request = { system: 'Be kind.', turns: [{ role: 'user' as const, text: 'Hi there' }], safetyId: 'abc', maxTokens: 100 };

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('assistant provider clients (GPT-1)', () => {
  it('GPT-1: no provider, or no key, means no client (the route answers 503)', () => {
    expect(providerFrom(settings('openai', { ASSISTANT_PROVIDER: 'none' }))).toBeUndefined();
    expect(providerFrom({ ...settings('anthropic'), ASSISTANT_API_KEY: undefined })).toBeUndefined();
  });

  it.each(['openai', 'anthropic'] as const)(
    'GPT-1: the %s client gets a reply, and a wrong key is a failure that names only the status and type',
    async (name) => {
      standIn.mode = 'ok';
      const client = providerFrom(settings(name))!;
      expect(await client.chat(request)).toMatchObject({ text: `${name} stand-in answer to: Hi there`, stop: 'complete', outputTokens: 12 });
      const wrong = providerFrom({ ...settings(name), ASSISTANT_API_KEY: 'sk-wrong' })!;
      const error = await failure(wrong.chat(request));
      expect(error.kind).toBe('failed');
      expect(error.detail).toBe(name === 'openai' ? '401 invalid_api_key' : '401 authentication_error');
    },
  );

  it.each(['openai', 'anthropic'] as const)(
    'GPT-1: the %s client reports busy with retry-after, and times out on its own deadline',
    async (name) => {
      const client = providerFrom(settings(name))!;
      standIn.mode = 'busy';
      try {
        const busy = await failure(client.chat(request));
        expect([busy.kind, busy.retryAfterSeconds]).toEqual(['busy', 7]);
        standIn.mode = 'hang';
        expect((await failure(client.chat(request))).kind).toBe('timeout');
      } finally {
        standIn.mode = 'ok';
      }
      // The test's own limit: the client gives up on its own deadline, not the test runner's.
    },
    5_000,
  );

  it("GPT-1: moderation is the OpenAI-style provider's own; the Anthropic-style one has none unless ASSISTANT_MODERATION_URL names one", async () => {
    const openai = providerFrom(settings('openai'))!;
    const flagged = (texts: string[]) => openai.flagged!(texts);
    expect(await flagged(['fine', 'also fine'])).toBe(false);
    expect(await flagged(['fine', 'FLAG-ME'])).toBe(true);
    expect('flagged' in providerFrom(settings('anthropic'))!).toBe(false);
  });

  it('GPT-1: the Anthropic-style client asks the configured moderation endpoint in the OpenAI protocol, with its own key', async () => {
    const anthropic = providerFrom(settings('anthropic', { ASSISTANT_MODERATION_URL: standIn.url, ASSISTANT_MODERATION_API_KEY: standIn.apiKey }))!;
    const before = standIn.requests.length;
    expect(await anthropic.flagged!(['fine', 'FLAG-ME'])).toBe(true);
    expect(await anthropic.flagged!(['fine'])).toBe(false);
    const sent = standIn.requests.slice(before);
    expect(sent.map((q) => q.path)).toEqual(['/v1/moderations', '/v1/moderations']);
    expect(sent[0]!.headers.authorization).toBe(`Bearer ${standIn.apiKey}`);
    expect(sent[0]!.body).toEqual({ model: 'omni-moderation-latest', input: ['fine', 'FLAG-ME'] });
    // The provider's key is not the moderation endpoint's: without its own key the call fails.
    const keyless = providerFrom(settings('anthropic', { ASSISTANT_MODERATION_URL: standIn.url }))!;
    expect((await failure(keyless.flagged!(['fine']))).kind).toBe('failed');
  });

  it('GPT-1: an unreachable provider is a failure, not a crash', async () => {
    const client = providerFrom(settings('anthropic', { ASSISTANT_API_URL: 'http://127.0.0.1:9' }))!;
    expect((await failure(client.chat(request))).kind).toBe('failed');
  });
});
