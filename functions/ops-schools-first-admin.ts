import { z } from 'zod';

import { canonicalEmailSchema } from '../shared/auth/index.js';
import { defineHttp, idempotencyKey } from '../shared/http/index.js';
import { appointFirstAdministrator } from '../shared/organisations/index.js';
import { invitationViewSchema } from '../shared/schools/index.js';

/** ACC-1, ACC-2: the operator invites a school's first administrator with the ordinary invitation flow; audited. */
export default defineHttp({
  name: 'ops-schools-first-admin',
  route: 'ops/schools/{schoolId}/first-admin',
  methods: ['POST'],
  summary:
    "An operator administrator invites a school's first administrator (ACC-1): an ordinary invitation into the schoolAdmin role (valid 14 days), accepted by an account holding the address, verified. With an Idempotency-Key a repeat sends no second e-mail. Audited.",
  tags: ['operations', 'organisations'],
  auth: 'session',
  idempotencyKey: true,
  capability: 'ops.organisations.manage',
  params: z.object({ schoolId: z.string().min(1).max(100) }),
  body: z.strictObject({ email: canonicalEmailSchema, language: z.enum(['et', 'fi', 'en']).optional() }),
  output: invitationViewSchema,
  successStatus: 201,
  errors: [],
  handler: async ({ params, body, access, principal, services, correlationId, request }) => {
    const invitation = await appointFirstAdministrator(
      services,
      { schoolId: params.schoolId, email: body.email, language: body.language },
      access.account,
      { staffAccountId: principal.accountId, correlationId },
      idempotencyKey(request),
    );
    return { status: 201, body: invitation };
  },
});
