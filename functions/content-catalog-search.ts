import { z } from 'zod';

import { catalogueSearchSchema, searchCatalogue } from '../shared/content/index.js';
import { defineHttp, ok } from '../shared/http/index.js';

export default defineHttp({
  name: 'content-catalog-search',
  route: 'catalog/search',
  methods: ['GET'],
  summary:
    "Searches the catalogue's distributed works (issue 18 item 6b) by title words (`q`: each word begins a word of the title), `subject`, `grade` and `country`; at most 50. Served from the cached catalogue; recorded as a usage event without its text (LOG-1).",
  tags: ['content'],
  auth: 'session',
  capability: 'self.read',
  query: z.object({
    q: z.string().trim().max(200).optional(),
    subject: z.string().max(40).optional(),
    grade: z.coerce.number().int().min(1).max(13).optional(),
    country: z.enum(['EE', 'FI']).optional(),
  }),
  output: catalogueSearchSchema,
  errors: [],
  handler: async ({ query, access, services }) => ok({ works: await searchCatalogue(services, access.account, query) }),
});
