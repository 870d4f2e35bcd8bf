import { finishSignIn, knownProvider, providerParam } from '../shared/auth/index.js';
import { defineHttp } from '../shared/http/index.js';

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
  handler: async ({ params, services, request, principal }) => finishSignIn(services, knownProvider(params.provider), request, principal),
});
