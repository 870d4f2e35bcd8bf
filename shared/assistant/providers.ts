import { z } from 'zod';

import type { Config } from '../platform/config.js';

/**
 * The two provider protocols the OpiqGPT trial speaks (GPT-1), with plain fetch: OpenAI's Chat Completions (plus its
 * moderation endpoint) and Anthropic's Messages. Replies are collected, not streamed: the platform answers the client
 * with one JSON body, so the reply can be checked (moderation, length) before a child reads it.
 * What leaves the platform is the system prompt, the turns the user typed (and the replies they were shown) and a keyed
 * hash of the device fingerprint (GPT-2); never an account id, name, school, e-mail or IP address.
 */

export interface ChatTurn {
  role: 'user' | 'assistant';
  text: string;
}

interface ChatRequest {
  system: string;
  turns: readonly ChatTurn[];
  /** Keyed hash of the device fingerprint: the provider's abuse-detection id (safety_identifier / metadata.user_id). */
  safetyId: string;
  maxTokens: number;
}

export interface ChatReply {
  text: string;
  /** 'truncated': the length cap cut it; 'refused': the provider's own safety stopped it. */
  stop: 'complete' | 'truncated' | 'refused';
  outputTokens?: number;
}

/** A provider call that did not give a usable answer; `kind` decides what the user is told. */
export class ProviderError extends Error {
  constructor(
    readonly kind: 'timeout' | 'busy' | 'failed',
    /** The provider's HTTP status or error type, for telemetry (never its message, which may quote the input). */
    readonly detail: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(`assistant provider ${kind}: ${detail}`);
    this.name = 'ProviderError';
  }
}

export interface AssistantProvider {
  readonly name: 'openai' | 'anthropic';
  chat(request: ChatRequest): Promise<ChatReply>;
  /** True when moderation flags any of the texts; absent where none is configured (see moderationSettings). */
  flagged?(texts: readonly string[]): Promise<boolean>;
}

type FetchLike = typeof fetch;

interface ProviderSettings {
  baseUrl: string;
  apiKey: string;
  model: string;
  timeoutMs: number;
  fetch: FetchLike;
}

const retryAfterOf = (response: Response): number | undefined => {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(Math.ceil(seconds), 300) : undefined;
};

/** One JSON POST with its own deadline; the provider's error body is read for its type only and never passed on. */
async function postJson<T>(
  settings: ProviderSettings,
  path: string,
  headers: Record<string, string>,
  body: unknown,
  schema: z.ZodType<T>,
): Promise<T> {
  let response: Response;
  let parsed: unknown;
  try {
    response = await settings.fetch(`${settings.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
    parsed = await response.json().catch(() => undefined);
  } catch (error) {
    if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError'))
      throw new ProviderError('timeout', 'timeout');
    throw new ProviderError('failed', 'network');
  }
  if (!response.ok) {
    const type = z.object({ error: z.object({ type: z.string().max(60) }) }).safeParse(parsed);
    const detail = `${response.status}${type.success ? ` ${type.data.error.type}` : ''}`;
    // Rate limits and overload (Anthropic's 529) pass; other statuses mean our request or key is wrong.
    if ([429, 503, 529].includes(response.status)) throw new ProviderError('busy', detail, retryAfterOf(response));
    throw new ProviderError('failed', detail);
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw new ProviderError('failed', 'malformed-answer');
  return result.data;
}

const openAiChatAnswer = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullable().optional(), refusal: z.string().nullable().optional() }),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .min(1),
  usage: z.object({ completion_tokens: z.number() }).optional(),
});

const openAiModerationAnswer = z.object({ results: z.array(z.object({ flagged: z.boolean() })) });

/** OpenAI-style Chat Completions: `POST /v1/chat/completions`, Bearer key, `store: false` for pupils' text. */
function openAiProvider(settings: ProviderSettings): AssistantProvider {
  const auth = { authorization: `Bearer ${settings.apiKey}` };
  return {
    name: 'openai',
    async chat(request) {
      const answer = await postJson(
        settings,
        '/v1/chat/completions',
        auth,
        {
          model: settings.model,
          messages: [{ role: 'system', content: request.system }, ...request.turns.map((t) => ({ role: t.role, content: t.text }))],
          max_completion_tokens: request.maxTokens,
          store: false,
          safety_identifier: request.safetyId,
        },
        openAiChatAnswer,
      );
      const choice = answer.choices[0]!;
      const refused = Boolean(choice.message.refusal) || choice.finish_reason === 'content_filter';
      return {
        text: refused ? '' : (choice.message.content ?? ''),
        stop: refused ? 'refused' : choice.finish_reason === 'length' ? 'truncated' : 'complete',
        ...(answer.usage ? { outputTokens: answer.usage.completion_tokens } : {}),
      };
    },
  };
}

/**
 * OpenAI's moderation protocol (`POST /v1/moderations`, Bearer key, `omni-moderation-latest`): the openai provider's
 * own endpoint, or ASSISTANT_MODERATION_URL for a provider whose protocol has none (anthropic). Only the texts leave.
 */
function openAiModeration(settings: ProviderSettings): (texts: readonly string[]) => Promise<boolean> {
  return async (texts) => {
    const answer = await postJson(
      settings,
      '/v1/moderations',
      { authorization: `Bearer ${settings.apiKey}` },
      { model: 'omni-moderation-latest', input: texts },
      openAiModerationAnswer,
    );
    return answer.results.some((r) => r.flagged);
  };
}

const anthropicAnswer = z.object({
  content: z.array(z.object({ type: z.string(), text: z.string().optional() })),
  stop_reason: z.string().nullable().optional(),
  usage: z.object({ output_tokens: z.number() }).optional(),
});

/**
 * Anthropic-style Messages: `POST /v1/messages` with `x-api-key` and a pinned `anthropic-version`; no sampling
 * parameters (version 2026-10-21 refuses them). The system prompt is its own field; the protocol has no moderation
 * endpoint (providerFrom adds the configured OpenAI-protocol one).
 */
function anthropicProvider(settings: ProviderSettings, version: string): AssistantProvider {
  return {
    name: 'anthropic',
    async chat(request) {
      const answer = await postJson(
        settings,
        '/v1/messages',
        { 'x-api-key': settings.apiKey, 'anthropic-version': version },
        {
          model: settings.model,
          max_tokens: request.maxTokens,
          system: request.system,
          messages: request.turns.map((t) => ({ role: t.role, content: t.text })),
          metadata: { user_id: request.safetyId },
        },
        anthropicAnswer,
      );
      const refused = answer.stop_reason === 'refusal';
      return {
        text: refused
          ? ''
          : answer.content
              .filter((b) => b.type === 'text')
              .map((b) => b.text ?? '')
              .join(''),
        stop: refused ? 'refused' : answer.stop_reason === 'max_tokens' ? 'truncated' : 'complete',
        ...(answer.usage ? { outputTokens: answer.usage.output_tokens } : {}),
      };
    },
  };
}

const DEFAULTS = {
  openai: { baseUrl: 'https://api.openai.com', model: 'gpt-4o-mini' },
  anthropic: { baseUrl: 'https://api.anthropic.com', model: 'claude-haiku-4-5' },
} as const;

type AssistantConfig = Pick<
  Config,
  | 'ASSISTANT_PROVIDER'
  | 'ASSISTANT_API_URL'
  | 'ASSISTANT_API_KEY'
  | 'ASSISTANT_MODEL'
  | 'ASSISTANT_ANTHROPIC_VERSION'
  | 'ASSISTANT_TIMEOUT_SECONDS'
  | 'ASSISTANT_MODERATION_URL'
  | 'ASSISTANT_MODERATION_API_KEY'
>;

/** Where moderation is asked: ASSISTANT_MODERATION_URL when set, else the openai provider itself; none for anthropic without it. */
function moderationSettings(config: AssistantConfig, provider: ProviderSettings): ProviderSettings | undefined {
  if (config.ASSISTANT_MODERATION_URL)
    return {
      ...provider,
      baseUrl: config.ASSISTANT_MODERATION_URL.replace(/\/+$/, ''),
      apiKey: config.ASSISTANT_MODERATION_API_KEY ?? (config.ASSISTANT_PROVIDER === 'openai' ? provider.apiKey : ''),
    };
  return config.ASSISTANT_PROVIDER === 'openai' ? provider : undefined;
}

/** The configured provider, or undefined when the assistant is off (no provider or no key). */
export function providerFrom(config: AssistantConfig, fetchImpl: FetchLike = fetch): AssistantProvider | undefined {
  if (config.ASSISTANT_PROVIDER === 'none' || !config.ASSISTANT_API_KEY) return undefined;
  const defaults = DEFAULTS[config.ASSISTANT_PROVIDER];
  const settings: ProviderSettings = {
    // The base without /v1 for both protocols, so one setting serves either.
    baseUrl: (config.ASSISTANT_API_URL ?? defaults.baseUrl).replace(/\/+$/, ''),
    apiKey: config.ASSISTANT_API_KEY,
    model: config.ASSISTANT_MODEL ?? defaults.model,
    timeoutMs: Math.round(config.ASSISTANT_TIMEOUT_SECONDS * 1000),
    fetch: fetchImpl,
  };
  const provider =
    config.ASSISTANT_PROVIDER === 'openai' ? openAiProvider(settings) : anthropicProvider(settings, config.ASSISTANT_ANTHROPIC_VERSION);
  const moderation = moderationSettings(config, settings);
  return moderation ? { ...provider, flagged: openAiModeration(moderation) } : provider;
}
