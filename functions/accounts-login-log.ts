import { z } from 'zod';

import type { LoginLogDoc } from '../shared/auth/index.js';
import { defineHttp, ok } from '../shared/http/index.js';
import { pageOf, pagingQuery } from '../shared/platform/paging.js';

const entry = z.object({
  at: z.string(),
  event: z.string(),
  method: z.string().optional(),
  reason: z.string().optional(),
  ip: z.string().optional(),
  country: z.string().optional(),
  browser: z.string().optional(),
});

export default defineHttp({
  name: 'accounts-login-log',
  route: 'me/login-log',
  methods: ['GET'],
  summary: "The signed-in user's own security log (AUTH-4): sign-ins, failures, sign-outs, password changes, newest first; kept 5 years.",
  tags: ['auth'],
  auth: 'session',
  capability: 'self.read',
  query: z.object(pagingQuery(100)),
  output: z.object({ entries: z.array(entry), continuation: z.string().optional() }),
  errors: ['invalid_continuation'],
  handler: async ({ principal, query, services }) => {
    const page = await pageOf<LoginLogDoc>(
      services,
      { container: 'accounts', partitionKey: principal.accountId, where: "c.type = 'login-log'", orderBy: 'c.at DESC', defaultPageSize: 50 },
      query,
    );
    return ok({
      entries: page.items.map(({ at, event, method, reason, ip, country, browser }) => ({ at, event, method, reason, ip, country, browser })),
      ...(page.continuation ? { continuation: page.continuation } : {}),
    });
  },
});
