import { z } from 'zod';
import { defineHttp } from '../shared/http/define-http.js';
import { requestByChild } from '../shared/schools/parent-links.js';

export default defineHttp({
  name: 'accounts-parents-request',
  route: 'me/parents',
  methods: ['POST'],
  summary:
    "A student asks to link a parent by the parent's e-mail address (ACC-3). The request goes to the school of the student's first student role and counts only once the school confirms it. The answer is the same whether or not the address has an account.",
  tags: ['family'],
  auth: 'session',
  capability: 'parentLink.request',
  body: z.strictObject({ parentEmail: z.email().max(254) }),
  output: z.object({ status: z.literal('requested') }),
  successStatus: 202,
  handler: async ({ body, access, services }) => {
    await requestByChild(services, access.account, body.parentEmail);
    return { status: 202, body: { status: 'requested' } };
  },
});
