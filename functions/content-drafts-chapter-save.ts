import { z } from 'zod';

import {
  actorOf,
  chapterBodySchema,
  contentIdSchema,
  type ContentLanguage,
  draftSchema,
  publisherIdSchema,
  saveDraft,
  workIdSchema,
} from '../shared/content/index.js';
import { defineHttp, ok } from '../shared/http/index.js';

export default defineHttp({
  name: 'content-drafts-chapter-save',
  route: 'cms/publishers/{publisherId}/works/{workId}/draft/chapters/{chapterId}',
  methods: ['PUT'],
  summary:
    'Replaces one chapter of the draft, or adds it at the end (a work too large for one request is saved a chapter at a time). The whole draft is validated after the change (ids unique in the work, keys valid: 422), and limited in size (413).',
  tags: ['content'],
  auth: 'session',
  capability: 'material.edit',
  params: z.object({ publisherId: publisherIdSchema, workId: workIdSchema, chapterId: contentIdSchema }),
  target: ({ params }) => ({ publisherId: params.publisherId }),
  body: chapterBodySchema,
  output: draftSchema,
  errors: ['work_content_invalid'],
  handler: async ({ params, body, access, services }) => {
    const chapter = { ...body.chapter, id: params.chapterId };
    return ok(
      await saveDraft(
        services,
        params.publisherId,
        params.workId,
        (current, work) => {
          // Before the first save the draft starts from the work's title and language (validated with the rest).
          const base = current ?? { title: work.title, language: (work.language ?? 'et') as ContentLanguage, chapters: [] };
          const at = base.chapters.findIndex((c) => c.id === chapter.id);
          return { ...base, chapters: at < 0 ? [...base.chapters, chapter] : base.chapters.map((c, i) => (i === at ? chapter : c)) };
        },
        actorOf(access.account, params.publisherId),
        body.baseRevision,
      ),
    );
  },
});
