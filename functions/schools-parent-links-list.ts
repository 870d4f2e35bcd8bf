import { z } from 'zod';
import { defineHttp, ok } from '../shared/http/define-http.js';
import { parentLinkStatuses, parentLinkViewSchema } from '../shared/schools/model.js';
import { listLinks } from '../shared/schools/parent-links.js';

export default defineHttp({
  name: 'schools-parent-links-list',
  route: 'schools/{schoolId}/parent-links',
  methods: ['GET'],
  summary: "The school's parent links for its administrator to review (ACC-3), newest request first; ?status=requested for the ones waiting.",
  tags: ['schools', 'family'],
  auth: 'session',
  capability: 'school.parentLinks.review',
  params: z.object({ schoolId: z.string().min(1).max(100) }),
  query: z.object({ status: z.enum(parentLinkStatuses).optional() }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  output: z.object({ parentLinks: z.array(parentLinkViewSchema) }),
  handler: async ({ params, query, services }) => ok({ parentLinks: await listLinks(services, params.schoolId, query.status) }),
});
