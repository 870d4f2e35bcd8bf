import { z } from 'zod';

import { beginSignIn, knownProvider, loopbackCanonicalRedirect, providerOrThrow, providerParam } from '../shared/auth/index.js';
import { consentPurposes, signUpConsents } from '../shared/consents/index.js';
import { defineHttp, responds } from '../shared/http/index.js';
import { requestSiteCountry } from '../shared/platform/countries.js';
import { AppError } from '../shared/platform/errors.js';

/** `purpose:version` pairs separated by commas, each purpose a known one. */
const CONSENTS_PARAM = new RegExp(`^(${consentPurposes.join('|')}):[^,:]{1,40}(,(${consentPurposes.join('|')}):[^,:]{1,40})*$`);

const consentChoices = (param: string | undefined) =>
  (param ? param.split(',') : []).map((pair) => {
    const [purpose, version] = pair.split(':') as [(typeof consentPurposes)[number], string];
    return { purpose, version };
  });

/** Starts sign-in with an external account (AUTH-1): redirects the browser to the provider. */
export default defineHttp({
  name: 'auth-login',
  route: 'auth/{provider}/login',
  methods: ['GET'],
  summary:
    'Redirects to the sign-in provider (harid, ekool, stuudium, mpassid, google, facebook). returnTo: a path on the web front end. school: the Stuudium school subdomain. An account the sign-in creates gets the country of our site in Origin or Referer (OPS-3) unless the provider names one, and the browser returns to that site. Linking a login to the signed-in account starts with POST /api/auth/{provider}/link instead.',
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
    /**
     * PRIV-6: the optional consents ticked on the sign-up page, as `purpose:version` separated by commas (the text
     * version the page showed); kept for an account this sign-in creates, as password sign-up keeps them.
     */
    consents: z.string().max(300).regex(CONSENTS_PARAM).optional(),
  }),
  output: responds.redirect("the provider's sign-in page (locally, first this address on API_PUBLIC_URL's host name)", 302),
  errors: [
    'consent_version_outdated',
    'link_requires_post',
    'school_required',
    'unknown_provider',
    'school_not_on_platform',
    'invalid_return_path',
    'provider_disabled',
  ],
  handler: async ({ params, query, services, language, request }) => {
    const provider = providerOrThrow(services, knownProvider(params.provider));
    // A GET any page can trigger must never attach a login to the signed-in account (issue 17).
    if (query.link === 'true') throw new AppError('link_requires_post', { params: { provider: provider.id } });
    if (provider.id === 'stuudium' && !query.school) throw new AppError('school_required');
    // An outdated text is refused before the provider is asked (409), as at password sign-up.
    const consents = signUpConsents(consentChoices(query.consents), services.clock.now());
    const canonical = loopbackCanonicalRedirect(request, services.config);
    if (canonical) return canonical;
    return beginSignIn(services, provider, {
      ...(consents ? { consents } : {}),
      returnTo: query.returnTo,
      link: false,
      loginHint: query.loginHint,
      school: query.school,
      language,
      // OPS-3: an account this sign-in creates belongs to the country of the site it began on, unless the provider says.
      site: requestSiteCountry(services.config, request.headers),
    });
  },
});
