import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import { childProfile } from '../shared/schools/index.js';

export default defineHttp({
  name: 'children-get',
  route: 'children/{childId}',
  methods: ['GET'],
  summary:
    "A parent reads their child's profile (ACL-5): name, schools and classes, read-only. Only through a link the school confirmed, and only while the child shares with parents (ACC-4: a change takes effect at once).",
  tags: ['family'],
  auth: 'session',
  capability: 'child.read',
  params: z.object({ childId: z.string().min(1).max(100) }),
  target: ({ params }) => ({ accountId: params.childId }),
  output: z.object({
    id: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    minor: z.boolean(),
    schools: z.array(
      z.object({ schoolId: z.string(), schoolName: z.string().optional(), classId: z.string().optional(), className: z.string().optional() }),
    ),
  }),
  errors: [],
  handler: async ({ params, access, services }) => ok(await childProfile(services, params.childId, access.targetAccount)),
});
