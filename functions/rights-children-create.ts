import { z } from 'zod';

import { created, defineHttp } from '../shared/http/index.js';
import { AppError } from '../shared/platform/errors.js';
import { openRequest, requestScopeSchema, requestTypes, requestView, requestViewSchema } from '../shared/rights/index.js';

export default defineHttp({
  name: 'rights-children-create',
  route: 'children/{childId}/privacy/requests',
  methods: ['POST'],
  summary:
    "A confirmed parent makes a data-subject request for their child under 18 (PRIV-7); an adult child is refused (403). Requests about the child's school data go to the school.",
  tags: ['privacy', 'family'],
  auth: 'session',
  capability: 'child.rights.request',
  params: z.object({ childId: z.string().min(1).max(100) }),
  target: ({ params }) => ({ accountId: params.childId }),
  body: z.strictObject({
    requestType: z.enum(requestTypes),
    details: z.string().trim().min(1).max(2000).optional(),
    scope: requestScopeSchema.optional(),
  }),
  successStatus: 201,
  errors: ['rights_request_already_open', 'account_not_found'],
  output: requestViewSchema,
  handler: async ({ body, access, services }) => {
    const child = access.targetAccount;
    if (!child) throw new AppError('account_not_found');
    const parent = access.account;
    const request = await openRequest(services, {
      subject: {
        accountId: child.accountId,
        name: `${child.firstName} ${child.lastName}`,
        studentSchoolId: child.schoolRoles?.find((r) => r.role === 'student')?.schoolId,
      },
      requestType: body.requestType,
      details: body.details,
      scope: body.scope,
      requester: { accountId: parent.accountId, capacity: 'parent' },
      contact: parent.email ? { email: parent.email, language: parent.language, country: parent.country } : undefined,
      identityVerifiedBy: 'parent link confirmed by the school',
    });
    return created(requestView(request));
  },
});
