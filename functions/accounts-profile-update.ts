import { z } from 'zod';

import { accountView, accountViewSchema, personNameSchema } from '../shared/accounts/index.js';
import { assertUnderLimit } from '../shared/auth/index.js';
import { defineHttp, ok } from '../shared/http/index.js';
import { personalCodeSchema } from '../shared/personal-codes/index.js';
import { AppError } from '../shared/platform/errors.js';
import { rectifyIdentity } from '../shared/schools/index.js';

/** Personal-code changes a person may make in 15 minutes: enough to fix a typo, too few to probe codes. */
const SELF_CODE_CHANGES_PER_WINDOW = 5;

/**
 * Rectification by the user (ACC-5, PRIV-5). A student cannot change their own name or personal code: school data
 * hangs on them, so the school does it. Every change is recorded with the old and new value. A code typed here is
 * stored unverified: it never links a sign-in to this account, and the answer is the same whether or not someone
 * else has it (AUTH-3).
 */
export default defineHttp({
  name: 'accounts-profile-update',
  route: 'me/profile',
  methods: ['PATCH'],
  summary:
    "Corrects the signed-in user's own name, phone or personal code (students: phone only; the school corrects the rest). A typed personal code is stored unverified; null removes it.",
  tags: ['accounts'],
  auth: 'session',
  capability: 'self.update',
  body: z.strictObject({
    firstName: personNameSchema.optional(),
    lastName: personNameSchema.optional(),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9 ()-]{5,20}$/)
      .optional(),
    personalCode: personalCodeSchema().nullable().optional(),
  }),
  output: accountViewSchema,
  errors: ['school_managed_field', 'too_many_attempts'],
  handler: async ({ body, access, principal, services }) => {
    const isStudent = (access.account.schoolRoles ?? []).some((r) => r.role === 'student');
    if (isStudent && (body.firstName || body.lastName || body.personalCode !== undefined))
      throw new AppError('school_managed_field', {
        details: [
          ...(['firstName', 'lastName', 'personalCode'] as const)
            .filter((f) => body[f] !== undefined)
            .map((path) => ({ path, issue: 'managed by the school' })),
        ],
      });
    if (body.personalCode !== undefined) await assertUnderLimit(services, 'pcode-change', principal.accountId, SELF_CODE_CHANGES_PER_WINDOW);
    const updated = await rectifyIdentity(services, {
      accountId: principal.accountId,
      by: principal.accountId,
      source: { kind: 'self' },
      names: {
        ...(body.firstName ? { firstName: body.firstName } : {}),
        ...(body.lastName ? { lastName: body.lastName } : {}),
        ...(body.phone ? { phone: body.phone } : {}),
      },
      ...(body.personalCode !== undefined
        ? {
            personalCode: body.personalCode && {
              country: body.personalCode.country,
              code: body.personalCode.code,
              birthDate: body.personalCode.birthDate,
            },
          }
        : {}),
    });
    return ok(accountView(updated));
  },
});
