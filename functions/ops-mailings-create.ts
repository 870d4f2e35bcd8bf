import { created, defineHttp } from '../shared/http/index.js';
import { createMailing, mailingInputSchema, mailingViewSchema } from '../shared/marketing/index.js';

export default defineHttp({
  name: 'ops-mailings-create',
  route: 'ops/mailings',
  methods: ['POST'],
  summary:
    "Operator staff compose a mailing in et, fi and en (MKT-1, MKT-2): a newsletter or offer about the platform's own products (kind marketing, audience by country and roles), or a service message (kind service, category change, fault, new-service or terms; audience by country, roles or school) that takes no offer. It is a draft until sent.",
  tags: ['operations', 'marketing'],
  auth: 'session',
  capability: 'ops.mailings.manage',
  body: mailingInputSchema,
  output: mailingViewSchema,
  successStatus: 201,
  errors: [],
  handler: async ({ body, principal, services }) => {
    return created(await createMailing(services, body, principal.accountId));
  },
});
