import { z } from 'zod';

import type { AccountDoc } from '../accounts/index.js';
import { chapterSchema, contentLanguages, workContentSchema } from './model.js';
import type { Actor } from './publishing.js';

/** Pieces the content routes share: parameters, bodies, and who acts in the CMS. */

/** A work id (CMS works are `<publisherId>.<slug>`; a shop work without content is simply not found). */
export const workIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'must be a work id');
export const publisherIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,59}$/, 'must be a publisher id');
export const versionNoSchema = z.coerce.number().int().min(1).max(1_000_000);

export const newWorkSchema = z.strictObject({
  /** The work id is `<publisherId>.<slug>`: lower-case letters, digits and hyphens. */
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be lower-case letters, digits and hyphens'),
  title: z.string().trim().min(1).max(300),
  language: z.enum(contentLanguages),
  subjects: z
    .array(z.string().regex(/^[a-z][a-z-]{1,39}$/))
    .min(1)
    .max(10),
  grades: z.array(z.number().int().min(1).max(13)).max(13).default([]),
  country: z.enum(['EE', 'FI']),
});

export const draftBodySchema = z.strictObject({ content: workContentSchema, baseRevision: z.number().int().min(0).optional() });
export const chapterBodySchema = z.strictObject({ chapter: chapterSchema, baseRevision: z.number().int().min(0).optional() });

/** The caller as a CMS user of this publisher (their role there is recorded on what they publish). */
export function actorOf(account: AccountDoc, publisherId: string): Actor {
  const role = (account.publisherRoles ?? []).find((r) => r.publisherId === publisherId)?.role ?? 'unknown';
  return { accountId: account.accountId, role };
}
