import { z } from 'zod';

import type { AccountDoc } from '../accounts/index.js';
import { rolesOf } from '../acl/index.js';
import { AppError } from '../platform/errors.js';
import type { Language } from '../platform/language.js';
import type { Services } from '../platform/services.js';
import { hasActiveLicence } from '../store/index.js';
import { countMessage, keyedHash } from './limits.js';
import { type AssistantProvider, type ChatReply, type ChatTurn, ProviderError, providerFrom } from './providers.js';
import { studentsEnabledInAll } from './settings.js';
import { SYSTEM_PROMPT, TERMS_VERSION, WITHHELD_REPLY } from './texts.js';

const MAX_MESSAGE_CHARS = 2000;
const MAX_HISTORY_TURNS = 10;

/** What the client sends: the typed text, its device fingerprint, and the short conversation it keeps itself. */
export const assistantMessageSchema = z.strictObject({
  text: z.string().trim().min(1).max(MAX_MESSAGE_CHARS),
  // An opaque id the client derives on the device; only its keyed hash leaves the platform (GPT-2).
  deviceFingerprint: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, 'must be 16 to 128 letters, digits, - or _'),
  history: z
    .array(z.strictObject({ role: z.enum(['user', 'assistant']), text: z.string().min(1).max(MAX_MESSAGE_CHARS) }))
    .max(MAX_HISTORY_TURNS)
    .optional(),
});
export type AssistantMessage = z.infer<typeof assistantMessageSchema>;

export const assistantReplySchema = z.object({
  reply: z.string(),
  /** 'truncated': cut at the length cap; 'withheld': the provider's safety or moderation stopped the reply. */
  finish: z.enum(['complete', 'truncated', 'withheld']),
  provider: z.enum(['openai', 'anthropic']),
  trial: z.literal(true),
  termsVersion: z.string(),
});
type AssistantReply = z.infer<typeof assistantReplySchema>;

const ASSISTANT_SCHOOL_ROLES = new Set(['student', 'teacher', 'classTeacher']);

/**
 * Who may chat (GPT-1): a student or teacher of a school, or a private user; a parent whose only role is being a
 * parent is not a private user here (the capability table cannot tell them apart: both hold no school role).
 */
export function assistantSchools(account: AccountDoc): { studentSchools: string[]; countedSchool: string | undefined } {
  const roles = (account.schoolRoles ?? []).filter((r) => ASSISTANT_SCHOOL_ROLES.has(r.role));
  const held = rolesOf(account);
  if (!roles.length && !(held.has('privateUser') && !held.has('parent'))) throw new AppError('assistant_not_for_role');
  const studentSchools = [...new Set(roles.filter((r) => r.role === 'student').map((r) => r.schoolId))];
  // A school user's messages count in one school: where they study, else where they teach.
  return { studentSchools, countedSchool: studentSchools[0] ?? roles[0]?.schoolId };
}

async function ask(provider: AssistantProvider, services: Pick<Services, 'config'>, message: AssistantMessage): Promise<ChatReply> {
  const turns: ChatTurn[] = [...(message.history ?? []), { role: 'user', text: message.text }];
  const flagged = services.config.ASSISTANT_MODERATION && provider.flagged ? (texts: string[]) => provider.flagged!(texts) : undefined;
  // The history comes from the client too: checked with the typed text in one call.
  if (flagged && (await flagged([message.text, ...(message.history ?? []).map((t) => t.text)]))) throw new AppError('assistant_message_refused');
  const reply = await provider.chat({
    system: SYSTEM_PROMPT,
    turns,
    safetyId: keyedHash(services, 'assistant-fingerprint', message.deviceFingerprint),
    maxTokens: services.config.ASSISTANT_MAX_TOKENS,
  });
  if (reply.stop !== 'refused' && reply.text && flagged && (await flagged([reply.text]))) return { text: '', stop: 'refused' };
  return reply;
}

function providerFailure(error: ProviderError): AppError {
  if (error.kind === 'timeout') return new AppError('assistant_provider_timeout', { retryAfterSeconds: 30 });
  if (error.kind === 'busy') return new AppError('assistant_unavailable', { retryAfterSeconds: error.retryAfterSeconds ?? 30 });
  return new AppError('assistant_provider_failed');
}

/**
 * One message to the OpiqGPT trial (GPT-1, GPT-2): the role, an active licence, the school's switch for students and
 * the rate limits are checked, then the provider answers. Nothing is stored but anonymous counts; telemetry has no
 * text and no account.
 */
export async function sendAssistantMessage(
  services: Services,
  account: AccountDoc,
  message: AssistantMessage,
  language: Language,
  fetchImpl: typeof fetch = fetch,
): Promise<AssistantReply> {
  const { studentSchools, countedSchool } = assistantSchools(account);
  const now = services.clock.now();
  if (!(await hasActiveLicence(services, account.accountId, now))) throw new AppError('assistant_licence_required');
  if (!(await studentsEnabledInAll(services, studentSchools))) throw new AppError('assistant_switched_off');
  const provider = providerFrom(services.config, fetchImpl);
  // Children use it: with moderation on and no endpoint to ask (anthropic without ASSISTANT_MODERATION_URL), it is off.
  if (!provider || (services.config.ASSISTANT_MODERATION && !provider.flagged))
    throw new AppError('assistant_unavailable', { retryAfterSeconds: 3600 });
  await countMessage(services, account.accountId, countedSchool);

  const started = Date.now();
  let reply: ChatReply;
  try {
    reply = await ask(provider, services, message);
  } catch (error) {
    const outcome = error instanceof ProviderError ? error.kind : error instanceof AppError ? error.code : 'error';
    services.telemetry.event(
      'assistant.message',
      { provider: provider.name, outcome, ...(error instanceof ProviderError ? { detail: error.detail } : {}) },
      { durationMs: Date.now() - started },
    );
    throw error instanceof ProviderError ? providerFailure(error) : error;
  }
  const finish = reply.stop === 'refused' ? 'withheld' : reply.stop;
  services.telemetry.event(
    'assistant.message',
    { provider: provider.name, outcome: 'answered', finish, student: String(studentSchools.length > 0) },
    {
      durationMs: Date.now() - started,
      typedChars: message.text.length,
      historyTurns: message.history?.length ?? 0,
      outputTokens: reply.outputTokens ?? 0,
    },
  );
  return {
    reply: finish === 'withheld' ? WITHHELD_REPLY[language] : reply.text,
    finish,
    provider: provider.name,
    trial: true,
    termsVersion: TERMS_VERSION,
  };
}
