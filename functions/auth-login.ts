import { z } from 'zod';

import { beginSignIn, knownProvider, loopbackCanonicalRedirect, providerOrThrow, providerParam } from '../shared/auth/index.js';
import { defineHttp, responds } from '../shared/http/index.js';
import { AppError } from '../shared/platform/errors.js';

/** Starts sign-in with an external account (AUTH-1): redirects the browser to the provider. */
export default defineHttp({
  name: 'auth-login',
  route: 'auth/{provider}/login',
  methods: ['GET'],
  summary:
    'Redirects to the sign-in provider (harid, ekool, stuudium, mpassid, google, facebook). returnTo: a path on the web front end. school: the Stuudium school subdomain. Linking a login to the signed-in account starts with POST /api/auth/{provider}/link instead.',
  tags: ['auth'],
  auth: 'public',
  params: providerParam,
  query: z.object({
    returnTo: z.string().max(500).optional(),
    link: z.enum(['true', 'false']).optional(),
    loginHint: z.string().max(200).optional(),
    school: z
      .string()
      .regex(/^[a-z0-9-]{1,63}$/)
      .optional(),
  }),
  output: responds.redirect("the provider's sign-in page (locally, first this address on API_PUBLIC_URL's host name)", 302),
  errors: ['link_requires_post', 'school_required', 'unknown_provider', 'school_not_on_platform', 'invalid_return_path', 'provider_disabled'],
  handler: async ({ params, query, services, language, request }) => {
    const provider = providerOrThrow(services, knownProvider(params.provider));
    // A GET any page can trigger must never attach a login to the signed-in account (issue 17).
    if (query.link === 'true') throw new AppError('link_requires_post', { params: { provider: provider.id } });
    if (provider.id === 'stuudium' && !query.school) throw new AppError('school_required');
    const canonical = loopbackCanonicalRedirect(request, services.config);
    if (canonical) return canonical;
    return beginSignIn(services, provider, {
      returnTo: query.returnTo,
      link: false,
      loginHint: query.loginHint,
      school: query.school,
      language,
    });
  },
});
