import { z } from 'zod';

import { checkHealth } from '../shared/health/index.js';
import { defineHttp } from '../shared/http/index.js';

const component = z.object({ ok: z.boolean(), detail: z.string().optional(), latencyMs: z.number().optional() });

export default defineHttp({
  name: 'health-get',
  route: 'health',
  methods: ['GET'],
  summary: 'Liveness and dependency status (Cosmos DB, Service Bus); 503 when a dependency is down.',
  tags: ['operations'],
  auth: 'public',
  output: z.object({ status: z.enum(['ok', 'degraded']), cosmos: component, bus: component }),
  // The same report with a dependency down.
  otherStatuses: [503],
  errors: [],
  handler: async ({ services }) => {
    const report = await checkHealth(services);
    return { status: report.status === 'ok' ? 200 : 503, body: report };
  },
});
