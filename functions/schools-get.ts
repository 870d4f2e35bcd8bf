import { z } from 'zod';

import { defineHttp, ok } from '../shared/http/index.js';
import type { Doc } from '../shared/platform/cosmos.js';
import { AppError } from '../shared/platform/errors.js';

export default defineHttp({
  name: 'schools-get',
  route: 'schools/{schoolId}',
  methods: ['GET'],
  summary: 'A school and its classes, for its own students, teachers and administrators.',
  tags: ['schools'],
  auth: 'session',
  capability: 'school.read',
  params: z.object({ schoolId: z.string().min(1).max(100) }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  output: z.object({
    id: z.string(),
    name: z.string(),
    country: z.string().optional(),
    classes: z.array(z.object({ id: z.string(), name: z.string(), grade: z.number().optional(), schoolYear: z.string().optional() })),
  }),
  errors: ['school_not_found'],
  handler: async ({ params, services }) => {
    const rows = await services.db
      .collection('schools')
      .queryAll<Doc & { name: string; country?: string; grade?: number; schoolYear?: string }>(params.schoolId, {
        where: "c.type IN ('school', 'class')",
      });
    const school = rows.find((r) => r.type === 'school');
    if (!school) throw new AppError('school_not_found');
    return ok({
      id: school.id,
      name: school.name,
      country: school.country,
      classes: rows.filter((r) => r.type === 'class').map((c) => ({ id: c.id, name: c.name, grade: c.grade, schoolYear: c.schoolYear })),
    });
  },
});
