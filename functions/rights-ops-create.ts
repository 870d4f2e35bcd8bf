import { z } from 'zod';

import { readAccount } from '../shared/accounts/index.js';
import { created, defineHttp } from '../shared/http/index.js';
import { countries } from '../shared/platform/countries.js';
import { AppError } from '../shared/platform/errors.js';
import { languages } from '../shared/platform/language.js';
import { officerView, officerViewSchema, openRequest, requestScopeSchema, requestTypes } from '../shared/rights/index.js';

export default defineHttp({
  name: 'rights-ops-create',
  route: 'ops/privacy/requests/{accountId}',
  methods: ['POST'],
  summary:
    "The privacy officer records a data-subject request someone made by e-mail, letter, phone or in person (PRIV-7); it waits in 'received' until the officer has verified who asked.",
  tags: ['operations', 'privacy'],
  auth: 'session',
  capability: 'ops.rights.manage',
  params: z.object({ accountId: z.string().min(1).max(100) }),
  target: ({ params }) => ({ accountId: params.accountId }),
  body: z.strictObject({
    requestType: z.enum(requestTypes),
    details: z.string().trim().min(1).max(2000).optional(),
    scope: requestScopeSchema.optional(),
    receivedVia: z.enum(['email', 'letter', 'phone', 'in-person']),
    // OPS-3: the country picks the sender and footer of the e-mails about the request; unset, the subject's country.
    contact: z.strictObject({ email: z.email().max(254), language: z.enum(languages), country: z.enum(countries).optional() }),
  }),
  successStatus: 201,
  errors: ['rights_request_already_open', 'rights_subject_not_found'],
  output: officerViewSchema,
  handler: async ({ params, body, principal, services }) => {
    const subject = await readAccount(services, params.accountId);
    if (!subject) throw new AppError('rights_subject_not_found');
    const request = await openRequest(services, {
      subject: {
        accountId: subject.accountId,
        name: `${subject.firstName} ${subject.lastName}`,
        studentSchoolId: subject.schoolRoles?.find((r) => r.role === 'student')?.schoolId,
      },
      requestType: body.requestType,
      details: body.details,
      scope: body.scope,
      requester: { accountId: principal.accountId, capacity: 'operator', receivedVia: body.receivedVia },
      contact: { email: body.contact.email.toLowerCase(), language: body.contact.language, country: body.contact.country ?? subject.country },
    });
    return created(officerView(request));
  },
});
