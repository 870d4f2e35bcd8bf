import { createHash } from 'node:crypto';

import { z } from 'zod';

import type { AccountDoc } from '../accounts/index.js';
import { type Doc, DocumentExistsError } from '../platform/cosmos.js';
import { AppError } from '../platform/errors.js';
import type { Language } from '../platform/language.js';
import { pageOf, type PageRequest } from '../platform/paging.js';
import type { Services } from '../platform/services.js';
import { hasActiveLicence } from '../store/index.js';
import { assistantSchools } from './chat.js';
import { countMessage } from './limits.js';

/**
 * GPT-1 (children use it): a user flags an answer they got as bad, and the operator reviews the flags to tune the
 * system prompt and moderation. A report holds only what the review needs: the question, the answer, the reason, an
 * optional note, the reader's language and the time; never the person, their school or device (no conversation is
 * stored with a person, GPT-2). The platform keeps no conversation, so the answer is as the client sent it. The same
 * question and answer reported again (a retry, or another person) is one report. Reports share one partition of
 * `schools` (`assistant-reports`): they are few, and the operator's list is one single-partition query.
 */
interface AssistantReportDoc extends Doc {
  type: 'assistant-report';
  schoolId: typeof REPORTS_PARTITION;
  question: string;
  answer: string;
  reason: (typeof reportReasons)[number];
  note?: string;
  language: Language;
  reportedAt: string;
}

const REPORTS_PARTITION = 'assistant-reports';
const reportReasons = ['harmful', 'inappropriate', 'wrong', 'other'] as const;

export const assistantReportSchema = z.strictObject({
  question: z.string().trim().min(1).max(2000),
  answer: z.string().trim().min(1).max(8000),
  reason: z.enum(reportReasons),
  note: z.string().trim().min(1).max(500).optional(),
});

export const assistantReportViewSchema = z.object({
  id: z.string(),
  question: z.string(),
  answer: z.string(),
  reason: z.enum(reportReasons),
  note: z.string().optional(),
  language: z.enum(['et', 'fi', 'en']),
  reportedAt: z.string(),
});

const view = (d: AssistantReportDoc): z.infer<typeof assistantReportViewSchema> => ({
  id: d.id,
  question: d.question,
  answer: d.answer,
  reason: d.reason,
  ...(d.note ? { note: d.note } : {}),
  language: d.language,
  reportedAt: d.reportedAt,
});

/**
 * Stores the report. Whoever may chat may report (the role and licence checks of a message); a report counts as a
 * message in the rate limits, so flags cannot flood the operator's list.
 */
export async function reportAnswer(
  services: Pick<Services, 'db' | 'clock' | 'config'>,
  account: AccountDoc,
  input: z.infer<typeof assistantReportSchema>,
  language: Language,
): Promise<{ id: string }> {
  const { countedSchool } = assistantSchools(account);
  if (!(await hasActiveLicence(services, account.accountId, services.clock.now()))) throw new AppError('assistant_licence_required');
  await countMessage(services, account.accountId, countedSchool);
  const id = `assistant-report:${createHash('sha256').update(`${input.question}\0${input.answer}`).digest('base64url').slice(0, 32)}`;
  const doc: AssistantReportDoc = {
    id,
    type: 'assistant-report',
    schoolId: REPORTS_PARTITION,
    question: input.question,
    answer: input.answer,
    reason: input.reason,
    ...(input.note ? { note: input.note } : {}),
    language,
    reportedAt: services.clock.now().toISOString(),
  };
  try {
    await services.db.collection('schools').create<AssistantReportDoc>(doc);
  } catch (error) {
    // Reported before: the earlier report stands.
    if (!(error instanceof DocumentExistsError)) throw error;
  }
  return { id };
}

/** The operator's review list, newest first: one single-partition query, sealed continuation. */
export async function listAnswerReports(services: Pick<Services, 'db' | 'config'>, page: PageRequest) {
  const docs = await pageOf<AssistantReportDoc>(
    services,
    {
      container: 'schools',
      partitionKey: REPORTS_PARTITION,
      where: "c.type = 'assistant-report'",
      orderBy: 'c.reportedAt DESC',
      defaultPageSize: 50,
    },
    page,
  );
  return { reports: docs.items.map(view), ...(docs.continuation ? { continuation: docs.continuation } : {}) };
}
