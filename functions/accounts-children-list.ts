import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { familyMemberSchema, familyOf } from '../shared/schools/index.js';

export default defineHttp({
  name: 'accounts-children-list',
  route: 'me/children',
  methods: ['GET'],
  summary: "The signed-in parent's children whose links the school confirmed (ACC-3), with their names.",
  tags: ['family'],
  auth: 'session',
  capability: 'self.read',
  output: z.object({ children: z.array(familyMemberSchema) }),
  errors: [],
  handler: async ({ access, services }) => ok({ children: await familyOf(services, access.account, 'children') }),
});
