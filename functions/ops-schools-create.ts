import { defineHttp } from '../shared/http/index.js';
import { createSchool, newSchoolSchema, schoolView, schoolViewSchema } from '../shared/organisations/index.js';

/** ACC-1: an operator administrator puts a school on the platform; audited under the school. */
export default defineHttp({
  name: 'ops-schools-create',
  route: 'ops/schools',
  methods: ['POST'],
  summary:
    'An operator administrator creates a school (ACC-1): name, country, registry code, municipality. Its id is school-<country>-<registry code>: a second school with the code is 409, the same request again answers 200 with the school. Audited.',
  tags: ['operations', 'organisations'],
  auth: 'session',
  capability: 'ops.organisations.manage',
  body: newSchoolSchema,
  output: schoolViewSchema,
  successStatus: 201,
  otherStatuses: [200],
  errors: ['organisation_school_exists'],
  handler: async ({ body, principal, services, correlationId }) => {
    const { school, created } = await createSchool(services, body, { staffAccountId: principal.accountId, correlationId });
    return { status: created ? 201 : 200, body: schoolView(school) };
  },
});
