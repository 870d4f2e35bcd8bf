import { processingView, processingViewSchema } from '../shared/consents/index.js';
import { defineHttp, ok } from '../shared/http/index.js';

export default defineHttp({
  name: 'privacy-processing-get',
  route: 'me/privacy/processing',
  methods: ['GET'],
  summary:
    "The signed-in user's restriction of processing and objections (PRIV-4), each with the time it began or null: usage analytics, longer keeping of learning outcomes, direct marketing.",
  tags: ['privacy'],
  auth: 'session',
  capability: 'self.read',
  output: processingViewSchema,
  errors: [],
  handler: async ({ access, services }) => ok(processingView(access.account, services.clock.now())),
});
