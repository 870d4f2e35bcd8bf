import { z } from 'zod';

import { assistantTerms } from '../shared/assistant/index.js';
import { defineHttp, ok } from '../shared/http/index.js';

/** GPT-1: the trial's terms in the reader's language (Accept-Language: et, fi, en), shown before the first message. */
export default defineHttp({
  name: 'assistant-terms-get',
  route: 'assistant/terms',
  methods: ['GET'],
  summary: "The OpiqGPT trial's terms (GPT-1, GPT-2) in the language of Accept-Language (et, fi or en), with their version.",
  tags: ['assistant'],
  auth: 'public',
  output: z.object({ version: z.string(), language: z.enum(['et', 'fi', 'en']), title: z.string(), paragraphs: z.array(z.string()) }),
  errors: [],
  handler: async ({ language }) => ok(assistantTerms(language)),
});
