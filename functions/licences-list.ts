import { defineHttp, ok } from '../shared/http/define-http.js';
import { listLicences } from '../shared/store/licences.js';

export default defineHttp({
  name: 'licences-list',
  route: 'licences',
  methods: ['GET'],
  summary: "The signed-in user's licences per work: whether they may open it now, until when, and the periods from their orders (STORE-4, STORE-6).",
  tags: ['store'],
  auth: 'session',
  capability: 'self.read',
  handler: async ({ principal, services }) => ok({ licences: await listLicences(services, principal.accountId, services.clock.now()) }),
});
