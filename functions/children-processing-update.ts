import { z } from 'zod';

import { processingChoiceSchema, processingView, processingViewSchema, setProcessingChoices } from '../shared/consents/index.js';
import { defineHttp, ok } from '../shared/http/index.js';

export default defineHttp({
  name: 'children-processing-update',
  route: 'children/{childId}/privacy/processing',
  methods: ['PUT'],
  summary:
    'A parent restricts the processing of their child under 18 or objects to it, or lifts either (PRIV-4, ACC-3); 403 for an adult child, who decides alone. At once; who changed it and when is recorded.',
  tags: ['family'],
  auth: 'session',
  capability: 'child.privacy.update',
  params: z.object({ childId: z.string().min(1).max(100) }),
  target: ({ params }) => ({ accountId: params.childId }),
  body: processingChoiceSchema,
  output: processingViewSchema,
  errors: ['account_not_found', 'forbidden'],
  handler: async ({ params, body, principal, services }) => {
    const child = await setProcessingChoices(services, params.childId, body, { parent: principal.accountId });
    return ok(processingView(child, services.clock.now()));
  },
});
