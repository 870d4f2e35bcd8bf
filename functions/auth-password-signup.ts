import { z } from 'zod';

import { personNameSchema } from '../shared/accounts/index.js';
import { requestClient, signUp } from '../shared/auth/index.js';
import { recordSignUpConsents, signUpConsents, signUpConsentsSchema } from '../shared/consents/index.js';
import { accepted, defineHttp } from '../shared/http/index.js';
import { siteCountryOf } from '../shared/platform/countries.js';

export default defineHttp({
  name: 'auth-password-signup',
  route: 'auth/password/signup',
  methods: ['POST'],
  summary:
    'Creates an account with e-mail and password (AUTH-2) and e-mails a verification link. The same 202 whether or not the address is taken. Optional `consents` (PRIV-6): the purposes ticked on the form, each with the text version shown (an older one is 409 consent_version_outdated); recorded with channel sign-up on a new account only.',
  tags: ['auth'],
  auth: 'public',
  body: z.strictObject({
    // Checked and put in canonical form by normaliseEmail (422 invalid_email), the same as on every other path.
    email: z.string().trim().min(3).max(254),
    password: z.string().max(1000),
    firstName: personNameSchema,
    lastName: personNameSchema,
    language: z.enum(['et', 'fi', 'en']).optional(),
    consents: signUpConsentsSchema.optional(),
  }),
  successStatus: 202,
  output: z.object({ status: z.literal('verification_sent') }),
  errors: [
    'consent_version_outdated',
    'invalid_email',
    'password_common',
    'password_too_short',
    'password_too_long',
    'password_too_simple',
    'too_many_attempts',
  ],
  handler: async ({ body, services, language, request }) => {
    const { consents: choices, ...person } = body;
    const consents = signUpConsents(choices ?? [], services.clock.now());
    const client = requestClient(request, services.config);
    const site = siteCountryOf(services.config, request.headers.get('origin'));
    const accountId = await signUp(services, { ...person, language: body.language ?? language, site, ...(consents ? { consents } : {}) }, client);
    if (accountId && consents) await recordSignUpConsents(services, accountId, consents);
    return accepted({ status: 'verification_sent' });
  },
});
