import { revokeUnlistedSessions, sessionRevocationWorkSchema } from '../shared/auth/index.js';
import { defineQueue } from '../shared/platform/definitions.js';

export default defineQueue({
  name: 'auth-sessions-revoke',
  queue: 'session-revocations',
  input: sessionRevocationWorkSchema,
  handler: async (work, { services }) => {
    await revokeUnlistedSessions(services, work);
  },
});
