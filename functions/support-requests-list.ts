import { defineHttp, ok } from '../shared/http/define-http.js';
import { listRequests, supportRequestView } from '../shared/support/requests.js';

export default defineHttp({
  name: 'support-requests-list',
  route: 'me/support-requests',
  methods: ['GET'],
  summary: "The signed-in user's support requests with their whole history (ACC-6).",
  tags: ['support'],
  auth: 'session',
  capability: 'self.read',
  handler: async ({ principal, services }) => ok({ requests: (await listRequests(services, principal.accountId)).map(supportRequestView) }),
});
