import { assistantMessageSchema, assistantReplySchema, sendAssistantMessage } from '../shared/assistant/index.js';
import { defineHttp, ok } from '../shared/http/index.js';

/** GPT-1, GPT-2: one message to the OpiqGPT trial; the conversation is the client's to keep (nothing is stored with the person). */
export default defineHttp({
  name: 'assistant-messages-send',
  route: 'assistant/messages',
  methods: ['POST'],
  summary:
    'The OpiqGPT trial (GPT-1): a licensed student, teacher or private user sends the typed text with a device fingerprint and up to 10 earlier turns the client kept, and gets the reply (collected, not streamed). Only the text and a keyed hash of the fingerprint reach the provider (GPT-2). A school can switch it off for its students; rate limits per user and per school (429 with Retry-After).',
  tags: ['assistant'],
  auth: 'session',
  capability: 'assistant.use',
  body: assistantMessageSchema,
  output: assistantReplySchema,
  errors: [
    'assistant_not_for_role',
    'assistant_licence_required',
    'assistant_switched_off',
    'assistant_rate_limited',
    'assistant_message_refused',
    'assistant_unavailable',
    'assistant_provider_timeout',
    'assistant_provider_failed',
  ],
  handler: async ({ body, access, services, language }) => ok(await sendAssistantMessage(services, access.account, body, language)),
});
