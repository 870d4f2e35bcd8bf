import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { familyMemberSchema, familyOf } from '../shared/schools/index.js';

export default defineHttp({
  name: 'accounts-parents-list',
  route: 'me/parents',
  methods: ['GET'],
  summary: "The signed-in user's parents whose links the school confirmed (ACC-3), with their names.",
  tags: ['family'],
  auth: 'session',
  capability: 'self.read',
  output: z.object({ parents: z.array(familyMemberSchema) }),
  errors: [],
  handler: async ({ access, services }) => ok({ parents: await familyOf(services, access.account, 'parents') }),
});
