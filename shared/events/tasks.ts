import { type AccountDoc, usageRecordingAllowed } from '../accounts/index.js';
import type { Doc } from '../platform/cosmos.js';
import { applyChange, type BatchFacts, type CellChange, dailyChanges, markPeople, peopleCells } from './aggregates.js';
import { batchKeyOf } from './batches.js';
import { keyedHash } from './batches.js';
import { recordEnrolment } from './enrolment.js';
import { type Deps, withMunicipalities, worksOf } from './record.js';

/** A submitted answer as the statistics count it (STAT-1, STAT-2): whose, where, which work and exercises, when. */
export interface TaskDone {
  answerId: string;
  studentId: string;
  schoolId: string;
  workId: string;
  exerciseIds: string[];
  submittedAt: string;
}

/**
 * A submission is counted only while its batch record (8 days) still drops a repeat: a grading or feedback change
 * weeks later sends the answer round again, and must not count the task a second time.
 */
const COUNT_WITHIN_MS = 7 * 86_400_000;

interface TaskDoneRecordDoc extends Doc {
  type: 'usage-batch';
  scope: string;
  recorded: 'identifiable' | 'counts-only';
  events: number;
}

/**
 * A submission's batch id: the same answer submitted at the same time is one task done however often it is sent. A
 * keyed hash: the answer's id names the student, and its parts can be guessed.
 */
const batchIdOf = (config: Deps['config'], task: Pick<TaskDone, 'answerId' | 'submittedAt'>) =>
  `task-${keyedHash(config, 'task-done', `${task.answerId}|${task.submittedAt}`)}`;

/**
 * Tasks done (STAT-1, STAT-2): a student's submitted answer counted once in the anonymous aggregates, as the usage
 * pipeline counts a front-end batch (the same cells, markers and batch record): one task done in the student's school
 * (per day, per month, per work) and the publisher's work, one answer per exercise; the student among the distinct
 * people of the work and each exercise unless they restricted processing or objected (PRIV-4: counts only). Called by
 * the learning statistics queue after it counted the answer for the teacher (LRN-5); idempotent.
 */
export async function recordTaskDone(services: Deps, task: TaskDone): Promise<'identifiable' | 'counts-only' | 'duplicate' | 'too-late'> {
  if (services.clock.now().getTime() - Date.parse(task.submittedAt) > COUNT_WITHIN_MS) return 'too-late';
  const batchId = batchIdOf(services.config, task);
  const recordId = `b:${batchId}`;
  const stats = services.db.collection('stats');
  if (await stats.read<TaskDoneRecordDoc>(recordId, recordId)) return 'duplicate';
  const account = await services.db.collection('accounts').read<AccountDoc>(task.studentId, task.studentId);
  const recorded = account && usageRecordingAllowed(account) ? 'identifiable' : 'counts-only';
  const events = [{ kind: 'task-done' as const, at: task.submittedAt, workId: task.workId, exerciseIds: task.exerciseIds }];
  const facts: BatchFacts = {
    events,
    works: await worksOf(services, events),
    schools: await withMunicipalities(services, [{ schoolId: task.schoolId, group: 'student' }]),
  };
  await recordEnrolment(services, facts.schools, events);
  const batchKey = batchKeyOf(services.config, batchId);
  const changes: CellChange[] = dailyChanges(facts);
  if (recorded === 'identifiable') changes.push(...(await markPeople(services, task.studentId, batchKey, peopleCells(facts))));
  await Promise.all(changes.map((change) => applyChange(services, change, batchKey)));
  await stats.upsert<TaskDoneRecordDoc>({ id: recordId, type: 'usage-batch', scope: recordId, recorded, events: 1 });
  return recorded;
}
