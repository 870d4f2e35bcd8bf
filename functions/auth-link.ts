import { z } from 'zod';

import { beginSignIn, knownProvider, providerOrThrow, providerParam } from '../shared/auth/index.js';
import { defineHttp, ok } from '../shared/http/index.js';
import { AppError } from '../shared/platform/errors.js';

/**
 * Linking another login to the signed-in account (AUTH-1) starts with this CSRF-protected POST, never with a GET
 * another site could trigger (issue 17). The answer names the provider's address; the front end navigates there.
 */
export default defineHttp({
  name: 'auth-link',
  route: 'auth/{provider}/link',
  methods: ['POST'],
  summary:
    "Starts linking a login of the provider (harid, ekool, stuudium, mpassid, google, facebook) to the signed-in account: answers { location } (the provider's sign-in page) and sets the sign-in flow cookie; the front end then navigates to location. Cookie sessions need x-csrf-token.",
  tags: ['auth'],
  auth: 'session',
  capability: 'self.update',
  params: providerParam,
  body: z
    .strictObject({
      returnTo: z.string().max(500).optional(),
      loginHint: z.string().max(200).optional(),
      school: z
        .string()
        .regex(/^[a-z0-9-]{1,63}$/)
        .optional(),
    })
    .optional(),
  output: z.object({ location: z.string() }),
  errors: ['school_required', 'unknown_provider', 'provider_disabled'],
  handler: async ({ params, body, services, language, principal }) => {
    const provider = providerOrThrow(services, knownProvider(params.provider));
    if (provider.id === 'stuudium' && !body?.school) throw new AppError('school_required');
    const started = await beginSignIn(services, provider, {
      returnTo: body?.returnTo,
      link: true,
      loginHint: body?.loginHint,
      school: body?.school,
      language,
      principal,
    });
    return ok({ location: started.headers?.location }, { cookies: started.cookies });
  },
});
