import { defineHttp, ok } from '../shared/http/index.js';
import { privacyView, privacyViewSchema } from '../shared/schools/index.js';

export default defineHttp({
  name: 'accounts-privacy-get',
  route: 'me/privacy',
  methods: ['GET'],
  summary:
    "The signed-in user's privacy settings (ACC-4): whether parents and publishers may see their data, who last changed them, and whether a parent manages them (ACC-3).",
  tags: ['accounts'],
  auth: 'session',
  capability: 'self.read',
  output: privacyViewSchema,
  errors: [],
  handler: async ({ access, services }) => ok(privacyView(access.account, services.clock.now())),
});
