import { defineHttp, ok } from '../shared/http/index.js';
import { holdingsView, holdingsViewSchema } from '../shared/rights/index.js';

export default defineHttp({
  name: 'rights-me-data',
  route: 'me/privacy/data',
  methods: ['GET'],
  summary:
    'What the platform holds about me (PRIV-1): per personal-data category the purpose, lawful basis, retention, sources and recipients (processors with their countries, the sign-in providers I linked), and whether data is held, counted where the export finds it (a queued count, at most 10 minutes old; `preparing: true` with null counts while it is made).',
  tags: ['privacy'],
  auth: 'session',
  capability: 'self.read',
  output: holdingsViewSchema,
  errors: [],
  handler: async ({ access, language, services }) => ok(await holdingsView(services, access.account, language)),
});
