import { z } from 'zod';
import '../shared/accounts/messages.js';
import { personNameSchema } from '../shared/accounts/names.js';
import { accountView, accountViewSchema } from '../shared/accounts/model.js';
import { assignPersonalCode } from '../shared/auth/identity.js';
import { personalCodeSchema } from '../shared/auth/personal-code.js';
import { defineHttp, ok } from '../shared/http/define-http.js';
import { HttpError } from '../shared/http/errors.js';
import { rectify } from '../shared/schools/members.js';

/**
 * Rectification by the user (ACC-5, PRIV-5). A student cannot change their own name or personal code: school data
 * hangs on them, so the school does it. Every change is recorded with the old and new value.
 */
export default defineHttp({
  name: 'accounts-profile-update',
  route: 'me/profile',
  methods: ['PATCH'],
  summary: "Corrects the signed-in user's own name, phone or personal code (students: phone only; the school corrects the rest).",
  tags: ['accounts'],
  auth: 'session',
  capability: 'self.update',
  body: z.strictObject({
    firstName: personNameSchema.optional(),
    lastName: personNameSchema.optional(),
    phone: z.string().trim().regex(/^\+?[0-9 ()-]{5,20}$/).optional(),
    personalCode: personalCodeSchema().optional(),
  }),
  output: accountViewSchema,
  handler: async ({ body, access, principal, services }) => {
    const isStudent = (access.account.schoolRoles ?? []).some((r) => r.role === 'student');
    if (isStudent && (body.firstName || body.lastName || body.personalCode))
      throw new HttpError(403, 'school_managed_field', {}, [
        ...(['firstName', 'lastName', 'personalCode'] as const).filter((f) => body[f] !== undefined).map((path) => ({ path, issue: 'managed by the school' })),
      ]);
    if (body.personalCode) await assignPersonalCode(services, principal.accountId, body.personalCode);
    const updated = await rectify(services, {
      accountId: principal.accountId,
      by: principal.accountId,
      via: 'self',
      changes: {
        ...(body.firstName ? { firstName: body.firstName } : {}),
        ...(body.lastName ? { lastName: body.lastName } : {}),
        ...(body.phone ? { phone: body.phone } : {}),
        ...(body.personalCode ? { personalCode: { country: body.personalCode.country, code: body.personalCode.code }, birthDate: body.personalCode.birthDate } : {}),
      },
    });
    return ok(accountView(updated));
  },
});
