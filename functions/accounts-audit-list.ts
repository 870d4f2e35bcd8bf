import { z } from 'zod';
import type { StaffAccessDoc } from '../shared/acl/audit.js';
import { defineHttp, ok } from '../shared/http/define-http.js';

export default defineHttp({
  name: 'accounts-audit-list',
  route: 'me/audit',
  methods: ['GET'],
  summary: "Who of the operator's staff looked at the signed-in user's data, when and for what (ACL-7, PRIV-1).",
  tags: ['accounts'],
  auth: 'session',
  capability: 'self.read',
  query: z.object({ continuation: z.string().max(4000).optional() }),
  handler: async ({ principal, query, services }) => {
    const page = await services.db.collection('audit').query<StaffAccessDoc>(principal.accountId, {
      where: "c.type = 'staff-access'",
      orderBy: 'c.at DESC',
      pageSize: 50,
      continuation: query.continuation,
    });
    return ok({
      entries: page.items.map((e) => ({ at: e.at, staffAccountId: e.staffAccountId, capability: e.capability })),
      ...(page.continuation ? { continuation: page.continuation } : {}),
    });
  },
});
