import { processingChoiceSchema, processingView, processingViewSchema, setProcessingChoices } from '../shared/consents/index.js';
import { defineHttp, ok } from '../shared/http/index.js';

export default defineHttp({
  name: 'privacy-processing-update',
  route: 'me/privacy/processing',
  methods: ['PUT'],
  summary:
    'Restricts processing or objects to it, or lifts either (PRIV-4), at once: while restricted, or objecting to usage analytics, no usage event is recorded; an objection to direct marketing stops marketing whatever the consents say. A child under 18 whose parent manages their privacy may add a restriction or objection; lifting one is 403 privacy_managed_by_parent.',
  tags: ['privacy'],
  auth: 'session',
  capability: 'self.update',
  body: processingChoiceSchema,
  output: processingViewSchema,
  errors: ['privacy_managed_by_parent'],
  handler: async ({ body, principal, services }) => {
    const account = await setProcessingChoices(services, principal.accountId, body, 'self');
    return ok(processingView(account, services.clock.now()));
  },
});
