import { z } from 'zod';

import { setStudentsEnabled } from '../shared/assistant/index.js';
import { defineHttp, ok } from '../shared/http/index.js';
import { idSchema } from '../shared/store/index.js';

/** GPT-1: the school's administrator switches the OpiqGPT trial on or off for the school's students, from the next message. */
export default defineHttp({
  name: 'schools-assistant-update',
  route: 'schools/{schoolId}/assistant',
  methods: ['PUT'],
  summary:
    "The school's administrator switches the OpiqGPT trial on or off for the school's students {studentsEnabled} (GPT-1); the next message of a student is refused. Teachers keep it.",
  tags: ['assistant'],
  auth: 'session',
  capability: 'school.assistant.manage',
  params: z.object({ schoolId: idSchema }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  body: z.strictObject({ studentsEnabled: z.boolean() }),
  output: z.object({ schoolId: z.string(), studentsEnabled: z.boolean(), updatedAt: z.string() }),
  errors: [],
  handler: async ({ params, body, services }) => ok(await setStudentsEnabled(services, params.schoolId, body.studentsEnabled)),
});
