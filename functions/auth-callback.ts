import { finishSignIn, knownProvider, providerParam } from '../shared/auth/index.js';
import { recordSignUpConsents } from '../shared/consents/index.js';
import { defineHttp, responds } from '../shared/http/index.js';
import { liftErasedSuppression } from '../shared/marketing/index.js';
import { schoolCodeLinks } from '../shared/schools/index.js';

/** The provider sends the browser back here; on success it lands signed in on the front end (303). */
export default defineHttp({
  name: 'auth-callback',
  route: 'auth/{provider}/callback',
  methods: ['GET'],
  summary: "The sign-in provider's redirect back: checks state, code and tokens, signs in, and redirects to the front end.",
  tags: ['auth'],
  auth: 'public',
  usesSession: true,
  params: providerParam,
  output: responds.redirect('the front end: PUBLIC_WEB_URL + returnTo, signed in; or PUBLIC_WEB_URL/sign-in?error=<code>&provider=<id>'),
  errors: ['unknown_provider'],
  handler: async ({ params, services, request, principal }) =>
    finishSignIn(services, knownProvider(params.provider), request, principal, schoolCodeLinks(services), async (account) => {
      if (account.consents) await recordSignUpConsents(services, account.accountId, account.consents);
      // PRIV-3: a new account carries an address only when the provider verified it: an earlier erasure's suppression goes.
      if (account.email) await liftErasedSuppression(services, account.email);
    }),
});
