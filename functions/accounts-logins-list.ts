import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';

export default defineHttp({
  name: 'accounts-logins-list',
  route: 'me/logins',
  methods: ['GET'],
  summary: "The signed-in user's ways to sign in (linked external accounts and password).",
  tags: ['auth'],
  auth: 'session',
  capability: 'self.read',
  output: z.object({ logins: z.array(z.object({ id: z.string(), provider: z.string(), linkedAt: z.string() })) }),
  // The wrapper has read the caller's account already (issue 11: no second read).
  errors: [],
  handler: async ({ access }) => ok({ logins: access.account.logins ?? [] }),
});
