import { z } from 'zod';
import { defineHttp, ok } from '../shared/http/define-http.js';
import { activeMemberships, visibleMembers } from '../shared/schools/members.js';

const member = z.object({
  accountId: z.string(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  email: z.string().optional(),
  roles: z.array(z.object({ role: z.string(), classId: z.string().optional(), subjects: z.array(z.string()).optional() })),
});

export default defineHttp({
  name: 'schools-members-list',
  route: 'schools/{schoolId}/members',
  methods: ['GET'],
  summary:
    "The school's people: administrators see everyone with roles, classes and e-mails (ACL-1); teachers see the students with their classes and e-mails (ACL-2). One single-partition query.",
  tags: ['schools'],
  auth: 'session',
  capability: 'school.members.read',
  params: z.object({ schoolId: z.string().min(1).max(100) }),
  query: z.object({ classId: z.string().max(100).optional() }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  output: z.object({ members: z.array(member) }),
  handler: async ({ params, query, access, services }) => {
    const memberships = await activeMemberships(services, params.schoolId);
    const inClass = query.classId ? new Set(memberships.filter((m) => m.classId === query.classId).map((m) => m.accountId)) : undefined;
    const members = visibleMembers(memberships, access.grants).filter((m) => !inClass || inClass.has(m.accountId));
    return ok({ members });
  },
});
