import { z } from 'zod';

import { defineHttp } from '../shared/http/index.js';
import { classView, classViewSchema, createClass, newClassSchema } from '../shared/organisations/index.js';

/** ACC-1: a school's administrator adds a class; invitations and school licences name classes. */
export default defineHttp({
  name: 'schools-classes-create',
  route: 'schools/{schoolId}/classes',
  methods: ['POST'],
  summary: "The school's administrator adds a class {name, grade?, schoolYear?} (ACC-1); the same name and school year again answers 200 with it.",
  tags: ['schools'],
  auth: 'session',
  capability: 'school.classes.manage',
  params: z.object({ schoolId: z.string().min(1).max(100) }),
  target: ({ params }) => ({ schoolId: params.schoolId }),
  body: newClassSchema,
  output: classViewSchema,
  successStatus: 201,
  otherStatuses: [200],
  errors: [],
  handler: async ({ params, body, services }) => {
    const { klass, created } = await createClass(services, params.schoolId, body);
    return { status: created ? 201 : 200, body: classView(klass) };
  },
});
