import { z } from 'zod';

import { created, defineHttp } from '../shared/http/index.js';
import { AppError } from '../shared/platform/errors.js';
import { openRequest, requestScopeSchema, requestTypes, requestView, requestViewSchema } from '../shared/rights/index.js';
import { activeMemberships } from '../shared/schools/index.js';

export default defineHttp({
  name: 'rights-school-create',
  route: 'schools/{schoolId}/privacy/requests',
  methods: ['POST'],
  summary:
    "The school's administrator makes a data-subject request for one of its students (PRIV-7, PRIV-8: the school's authorised person acts for school users); the school is the controller, so it goes straight to processing.",
  tags: ['privacy', 'schools'],
  auth: 'session',
  capability: 'school.rights.review',
  params: z.object({ schoolId: z.string().min(1).max(100) }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  body: z.strictObject({
    subjectAccountId: z.string().min(1).max(100),
    requestType: z.enum(requestTypes),
    details: z.string().trim().min(1).max(2000).optional(),
    scope: requestScopeSchema.optional(),
  }),
  successStatus: 201,
  errors: ['rights_request_already_open', 'rights_subject_not_student'],
  output: requestViewSchema,
  handler: async ({ params, body, access, services }) => {
    const student = (await activeMemberships(services, params.schoolId, body.subjectAccountId)).find((m) => m.role === 'student');
    if (!student) throw new AppError('rights_subject_not_student');
    const admin = access.account;
    const request = await openRequest(services, {
      subject: {
        accountId: student.accountId,
        name: `${student.firstName ?? ''} ${student.lastName ?? ''}`.trim(),
        studentSchoolId: params.schoolId,
      },
      requestType: body.requestType,
      details: body.details,
      scope: body.scope,
      requester: { accountId: admin.accountId, capacity: 'school', schoolId: params.schoolId },
      contact: admin.email ? { email: admin.email, language: admin.language, country: admin.country } : undefined,
      identityVerifiedBy: "the school's own records",
    });
    return created(requestView(request));
  },
});
