import { z } from 'zod';

import type { StaffAccessDoc } from '../shared/acl/index.js';
import { defineHttp, ok } from '../shared/http/index.js';
import { pageOf, pagingQuery } from '../shared/platform/paging.js';

export default defineHttp({
  name: 'accounts-audit-list',
  route: 'me/audit',
  methods: ['GET'],
  summary: "Who of the operator's staff looked at the signed-in user's data, when and for what (ACL-7, PRIV-1).",
  tags: ['accounts'],
  auth: 'session',
  capability: 'self.read',
  query: z.object(pagingQuery(100)),
  output: z.object({
    entries: z.array(z.object({ at: z.string(), staffAccountId: z.string(), capability: z.string(), action: z.string().optional() })),
    continuation: z.string().optional(),
  }),
  errors: ['invalid_continuation'],
  handler: async ({ principal, query, services }) => {
    const page = await pageOf<StaffAccessDoc>(
      services,
      { container: 'audit', partitionKey: principal.accountId, where: "c.type = 'staff-access'", orderBy: 'c.at DESC', defaultPageSize: 50 },
      query,
    );
    return ok({
      entries: page.items.map((e) => ({
        at: e.at,
        staffAccountId: e.staffAccountId,
        capability: e.capability,
        ...(e.action ? { action: e.action } : {}),
      })),
      ...(page.continuation ? { continuation: page.continuation } : {}),
    });
  },
});
