import { z } from 'zod';

import { created, defineHttp } from '../shared/http/index.js';
import { openRequest, requestScopeSchema, requestTypes, requestView, requestViewSchema } from '../shared/rights/index.js';

export default defineHttp({
  name: 'rights-me-create',
  route: 'me/privacy/requests',
  methods: ['POST'],
  summary:
    "Makes a data-subject request about myself (PRIV-7): answered within 30 days; a student's request about school data is forwarded to the school, which decides. One open request of a type per person (409).",
  tags: ['privacy'],
  auth: 'session',
  capability: 'self.update',
  body: z.strictObject({
    requestType: z.enum(requestTypes),
    details: z.string().trim().min(1).max(2000).optional(),
    scope: requestScopeSchema.optional(),
  }),
  successStatus: 201,
  errors: ['rights_request_already_open'],
  output: requestViewSchema,
  handler: async ({ body, access, services }) => {
    const me = access.account;
    const request = await openRequest(services, {
      subject: {
        accountId: me.accountId,
        name: `${me.firstName} ${me.lastName}`,
        studentSchoolId: me.schoolRoles?.find((r) => r.role === 'student')?.schoolId,
      },
      requestType: body.requestType,
      details: body.details,
      scope: body.scope,
      requester: { accountId: me.accountId, capacity: 'self' },
      contact: me.email ? { email: me.email, language: me.language, country: me.country } : undefined,
      identityVerifiedBy: 'signed-in session',
    });
    return created(requestView(request));
  },
});
