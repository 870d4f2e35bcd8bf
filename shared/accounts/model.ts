import { z } from 'zod';
import type { Doc } from '../platform/cosmos.js';

export const countrySchema = z.enum(['EE', 'FI']);

/** One way to sign in, as listed on the account (the index document in `logins` is the authority). */
export interface LinkedLogin {
  /** The login index id: 'harid:<sub>', 'email:<address>'. */
  id: string;
  provider: string;
  linkedAt: string;
}

/** Operator staff roles (ACL-7): support sees what a case needs; security can suspend accounts (AUTH-5, OPS-1). */
export type StaffRole = 'support' | 'security';

export interface Suspension {
  at: string;
  reason: 'password-leak' | 'malicious-activity' | 'unusual-usage' | 'terms-breach';
  /** Staff account that suspended it. */
  by: string;
  /** The school involved, when the suspension was agreed with it (OPS-1). */
  schoolId?: string;
  note?: string;
}

/** The account's profile document: `id` and `accountId` are the same, so `/me` is one point read. */
export interface AccountDoc extends Doc {
  type: 'account';
  accountId: string;
  firstName: string;
  lastName: string;
  email?: string;
  phone?: string;
  /** Personal identification code with its country (AUTH-3). */
  personalCode?: { country: 'EE' | 'FI'; code: string };
  birthDate?: string;
  language: 'et' | 'fi' | 'en';
  country: 'EE' | 'FI';
  status: 'active' | 'suspended' | 'closed';
  logins?: LinkedLogin[];
  staffRoles?: StaffRole[];
  suspension?: Suspension;
  createdAt: string;
  updatedAt: string;
}

export const accountViewSchema = z.object({
  id: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string().optional(),
  phone: z.string().optional(),
  personalCode: z.object({ country: countrySchema, code: z.string() }).optional(),
  birthDate: z.string().optional(),
  language: z.enum(['et', 'fi', 'en']),
  country: countrySchema,
  status: z.enum(['active', 'suspended', 'closed']),
});

export type AccountView = z.infer<typeof accountViewSchema>;

export function accountView(doc: AccountDoc): AccountView {
  return {
    id: doc.accountId,
    firstName: doc.firstName,
    lastName: doc.lastName,
    ...(doc.email ? { email: doc.email } : {}),
    ...(doc.phone ? { phone: doc.phone } : {}),
    ...(doc.personalCode ? { personalCode: doc.personalCode } : {}),
    ...(doc.birthDate ? { birthDate: doc.birthDate } : {}),
    language: doc.language,
    country: doc.country,
    status: doc.status,
  };
}
