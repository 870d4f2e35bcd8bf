import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { listen, randomToken, readBody, safeEqual } from './identity/http.js';

/**
 * A local stand-in for the OpiqGPT trial's providers (GPT-1), speaking both protocols the app's real clients use
 * (shared/assistant/providers.ts), so they run end to end without the internet:
 *
 *   POST /v1/chat/completions   OpenAI-style: `Authorization: Bearer <key>`; 401/400 with OpenAI's error shape
 *   POST /v1/moderations        OpenAI-style: `flagged` for any input containing FLAG-ME
 *   POST /v1/messages           Anthropic-style: `x-api-key` (or Bearer, as the 1.x SDKs send), `anthropic-version`
 *                               required, 400 without max_tokens and on any sampling parameter
 *
 * Answers are not streamed (the app asks without `stream`). Every request is recorded with its headers and body, so a
 * test can see what left the platform (GPT-2). `mode` makes it fail: 'fail' answers 500 with an error body whose
 * message must never reach the user, 'busy' 429 with retry-after, 'hang' never answers.
 */
interface RecordedAssistantRequest {
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface AssistantStandIn {
  /** Base URL without /v1 (ASSISTANT_API_URL). */
  url: string;
  apiKey: string;
  requests: RecordedAssistantRequest[];
  mode: 'ok' | 'fail' | 'busy' | 'hang';
  close(): Promise<void>;
}

/** A marker in the stand-in's failure body: a test checks it never reaches the user. */
export const STAND_IN_ERROR_DETAIL = 'stand-in internal detail 7f3a: never show this';

const SAMPLING = ['temperature', 'top_p', 'top_k'];

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const lastUserText = (messages: unknown): string => {
  const list = Array.isArray(messages) ? (messages as { role?: string; content?: unknown }[]) : [];
  const last = [...list].reverse().find((m) => m.role === 'user');
  return typeof last?.content === 'string' ? last.content : '';
};

/** The reply names the protocol and echoes the start of the question, so tests see which client asked what. */
const replyTo = (protocol: string, text: string) => `${protocol} stand-in answer to: ${text.slice(0, 60)}`;

export async function startAssistantStandIn(): Promise<AssistantStandIn> {
  const apiKey = `sk-local-${randomToken(18)}`;
  const listening = await listen();
  const state: AssistantStandIn = { url: listening.origin, apiKey, requests: [], mode: 'ok', close: () => listening.close() };

  const openAiError = (res: ServerResponse, status: number, type: string, message: string) =>
    send(res, status, { error: { message, type, param: null, code: type } });
  const anthropicError = (res: ServerResponse, status: number, type: string, message: string) =>
    send(res, status, { type: 'error', error: { type, message }, request_id: `req_${randomUUID()}` }, { 'request-id': randomUUID() });

  const failures = (res: ServerResponse, protocol: 'openai' | 'anthropic'): boolean => {
    if (state.mode === 'hang') return true;
    if (state.mode === 'ok') return false;
    const [status, type] = state.mode === 'busy' ? [429, protocol === 'openai' ? 'rate_limit_exceeded' : 'rate_limit_error'] : [500, 'api_error'];
    res.setHeader('retry-after', '7');
    (protocol === 'openai' ? openAiError : anthropicError)(res, status, type, STAND_IN_ERROR_DETAIL);
    return true;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readBody(req, 1024 * 1024);
    const body = (raw ? JSON.parse(raw) : {}) as Record<string, unknown>;
    const path = new URL(req.url ?? '/', state.url).pathname;
    state.requests.push({ path, headers: { ...(req.headers as Record<string, string>) }, body });
    const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');

    if (req.method === 'POST' && (path === '/v1/chat/completions' || path === '/v1/moderations')) {
      if (!safeEqual(bearer, apiKey)) return openAiError(res, 401, 'invalid_api_key', 'Incorrect API key provided.');
      if (failures(res, 'openai')) return;
      if (path === '/v1/moderations') {
        const inputs = Array.isArray(body.input) ? (body.input as string[]) : [typeof body.input === 'string' ? body.input : ''];
        return send(res, 200, {
          id: `modr-${randomUUID()}`,
          model: 'omni-moderation-latest',
          results: inputs.map((input) => ({ flagged: input.includes('FLAG-ME'), categories: {}, category_scores: {} })),
        });
      }
      if (!Array.isArray(body.messages)) return openAiError(res, 400, 'invalid_request_error', "Missing required parameter: 'messages'.");
      const question = lastUserText(body.messages);
      return send(res, 200, {
        id: `chatcmpl-${randomUUID()}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: question.includes('REFUSE-ME') ? null : replyTo('openai', question),
              refusal: question.includes('REFUSE-ME') ? 'I can’t help with that.' : null,
            },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 20, completion_tokens: 12, total_tokens: 32 },
      });
    }

    if (req.method === 'POST' && path === '/v1/messages') {
      const key = req.headers['x-api-key'] ?? bearer;
      if (typeof key !== 'string' || !safeEqual(key, apiKey)) return anthropicError(res, 401, 'authentication_error', 'invalid x-api-key');
      if (!req.headers['anthropic-version']) return anthropicError(res, 400, 'invalid_request_error', 'anthropic-version: header is required');
      if (typeof body.max_tokens !== 'number') return anthropicError(res, 400, 'invalid_request_error', 'max_tokens: Field required');
      if (SAMPLING.some((p) => p in body)) return anthropicError(res, 400, 'invalid_request_error', 'sampling parameters are not accepted');
      if (failures(res, 'anthropic')) return;
      const question = lastUserText(body.messages);
      const refused = question.includes('REFUSE-ME');
      return send(res, 200, {
        id: `msg_${randomUUID()}`,
        type: 'message',
        role: 'assistant',
        model: body.model,
        content: refused ? [] : [{ type: 'text', text: replyTo('anthropic', question) }],
        stop_reason: refused ? 'refusal' : 'end_turn',
        usage: { input_tokens: 20, output_tokens: 12 },
      });
    }
    return send(res, 404, { error: { message: 'not found', type: 'not_found_error' } });
  };

  listening.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => send(res, 400, { error: { message: 'bad request', type: 'invalid_request_error' } }));
  });
  return state;
}
