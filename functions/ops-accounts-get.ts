import { z } from 'zod';

import { readAccount } from '../shared/accounts/index.js';
import { defineHttp, ok } from '../shared/http/index.js';
import { AppError } from '../shared/platform/errors.js';
import { casesAbout, opsCaseViewSchema } from '../shared/schools/index.js';

/**
 * What user support needs to help someone (ACL-7): name, e-mail, status, roles, ways to sign in. Not the personal
 * code, not study data. Every call is written to the person's audit log, which they can read.
 */
export default defineHttp({
  name: 'ops-accounts-get',
  route: 'ops/accounts/{accountId}',
  methods: ['GET'],
  summary: "Operator staff's view of an account for a support case; audited for the person to see (GET /api/me/audit).",
  tags: ['operations'],
  auth: 'session',
  capability: 'ops.account.read',
  params: z.object({ accountId: z.string().min(1).max(100) }),
  target: ({ params }) => ({ accountId: params.accountId }),
  output: z.object({
    id: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    email: z.string().optional(),
    status: z.enum(['active', 'suspended', 'closed']),
    language: z.enum(['et', 'fi', 'en']),
    country: z.string(),
    schoolRoles: z.array(
      z.object({ schoolId: z.string(), role: z.string(), classId: z.string().optional(), subjects: z.array(z.string()).optional() }),
    ),
    signInMethods: z.array(z.string()),
    suspension: z.object({ at: z.string(), reason: z.string(), schoolId: z.string().optional() }).optional(),
    restriction: z.object({ mode: z.literal('read-only'), at: z.string(), reason: z.string(), schoolId: z.string().optional() }).optional(),
    cases: z.array(opsCaseViewSchema),
    createdAt: z.string(),
  }),
  errors: ['account_not_found'],
  handler: async ({ params, services }) => {
    const account = await readAccount(services, params.accountId);
    if (!account) throw new AppError('account_not_found');
    return ok({
      id: account.accountId,
      firstName: account.firstName,
      lastName: account.lastName,
      ...(account.email ? { email: account.email } : {}),
      status: account.status,
      language: account.language,
      country: account.country,
      schoolRoles: account.schoolRoles ?? [],
      signInMethods: (account.logins ?? []).map((l) => l.provider),
      ...(account.suspension
        ? { suspension: { at: account.suspension.at, reason: account.suspension.reason, schoolId: account.suspension.schoolId } }
        : {}),
      ...(account.restriction
        ? {
            restriction: {
              mode: account.restriction.mode,
              at: account.restriction.at,
              reason: account.restriction.reason,
              schoolId: account.restriction.schoolId,
            },
          }
        : {}),
      // OPS-1: the schools' cases about the person, with what their administrators said.
      cases: await casesAbout(services, account),
      createdAt: account.createdAt,
    });
  },
});
