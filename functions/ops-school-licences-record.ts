import { z } from 'zod';

import { updateAccount, withSchoolPartition } from '../shared/accounts/index.js';
import { recordStaffAccess } from '../shared/acl/index.js';
import { defineHttp, idempotencyKey } from '../shared/http/index.js';
import { newLicenceSchema, recordSchoolLicence, schoolLicenceView, schoolLicenceViewSchema } from '../shared/store/index.js';

/** Issue 18: operator staff record a school licence against an invoice or a contract; audited under the school. */
export default defineHttp({
  name: 'ops-school-licences-record',
  route: 'ops/schools/{schoolId}/licences',
  methods: ['POST'],
  summary:
    "An operator administrator records a school licence (STORE-1, ACC-1): a work or a package of a publisher, a school year (1 August to 1 August) or dates, for all students, named classes or named students, optionally a number of seats, against an invoice number or a contract reference. The school's teachers and the students it covers may then open the works (materialised by the school-entitlements queue). With an Idempotency-Key a repeat answers 200 with the same licence. Audited.",
  tags: ['operations', 'store'],
  auth: 'session',
  idempotencyKey: true,
  capability: 'ops.schoolLicences.manage',
  params: z.object({ schoolId: z.string().min(1).max(100) }),
  body: newLicenceSchema,
  output: schoolLicenceViewSchema,
  successStatus: 201,
  otherStatuses: [200],
  errors: [
    'school_licence_key_reused',
    'school_licence_product_unknown',
    'school_licence_dates_backwards',
    'school_licence_class_unknown',
    'school_licence_student_unknown',
    'school_licence_school_not_found',
  ],
  handler: async ({ params, body, principal, access, services, correlationId, request }) => {
    // PRIV-2: the licence names the staff member (`recordedBy`); their export finds it through the school noted here.
    if (!(access.account.schoolPartitions ?? []).includes(params.schoolId))
      await updateAccount(services, access.account.accountId, (a) => withSchoolPartition(a, params.schoolId), access.account);
    const { licence, created } = await recordSchoolLicence(services, {
      ...body,
      schoolId: params.schoolId,
      by: principal.accountId,
      key: idempotencyKey(request),
    });
    if (created)
      await recordStaffAccess(services, {
        subjectId: params.schoolId,
        staffAccountId: principal.accountId,
        capability: 'ops.schoolLicences.manage',
        correlationId,
        action: `school-licence.record:${licence.id}`,
      });
    return { status: created ? 201 : 200, body: schoolLicenceView(licence) };
  },
});
