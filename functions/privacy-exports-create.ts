import { accepted, defineHttp, ok } from '../shared/http/index.js';
import { exportViewSchema, startExport } from '../shared/privacy/index.js';

export default defineHttp({
  name: 'privacy-exports-create',
  route: 'me/privacy/exports',
  methods: ['POST'],
  summary:
    'Asks for a copy of everything the platform holds about me (PRIV-2): a zip with one JSON file per kind of record, my files, metadata.json and a readable index.html, built in the background (202); while one is still being built, that one is answered (200). An e-mail tells when it is ready.',
  tags: ['privacy'],
  auth: 'session',
  capability: 'self.update',
  successStatus: 202,
  otherStatuses: [200],
  output: exportViewSchema,
  errors: [],
  handler: async ({ principal, services }) => {
    const { job, started } = await startExport(services, { subjectAccountId: principal.accountId, requestedBy: principal.accountId });
    return started ? accepted(job) : ok(job);
  },
});
