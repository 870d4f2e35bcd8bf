import { defineHttp } from '../shared/http/index.js';
import { createPublisher, newPublisherSchema, publisherViewSchema } from '../shared/organisations/index.js';

/** ACC-1: an operator administrator puts a publisher on the platform; audited under the publisher. */
export default defineHttp({
  name: 'ops-publishers-create',
  route: 'ops/publishers',
  methods: ['POST'],
  summary:
    'An operator administrator creates a publisher (ACC-1): name, country, registry code; id pub-<country>-<registry code> (another with the code is 409, the same request again 200). Audited.',
  tags: ['operations', 'organisations'],
  auth: 'session',
  capability: 'ops.organisations.manage',
  body: newPublisherSchema,
  output: publisherViewSchema,
  successStatus: 201,
  errors: [],
  handler: async ({ body, principal, services, correlationId }) => {
    const { publisher, created } = await createPublisher(services, body, { staffAccountId: principal.accountId, correlationId });
    return {
      status: created ? 201 : 200,
      body: { id: publisher.publisherId, name: publisher.name, country: publisher.country, registryCode: body.registryCode },
    };
  },
});
