import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AccountDoc } from '../shared/accounts/model.js';
import type { LocalHost } from '../shared/local/host.js';
import { demo } from '../shared/local/seed.js';
import { demoLearning } from '../shared/local/seed-learning.js';
import { addTeacher, answers, client, DEMO_WORK, inDays, license, startLearningHost } from './learning-fixtures.js';

/**
 * Attacks on the learning routes (issue 18): another school's ids, a student answering for another, a parent acting
 * for a child, a teacher grading outside their journals, bad input of every kind; concurrent submissions and grading;
 * nothing stored half-way.
 */
const S = demo.schools;
const A = demo.accounts;
const C = demo.classes;

let host: LocalHost;
let call: ReturnType<typeof client>;
let journalId: string;
let taskId: string;
/** A second mathematics teacher of Kuusiku, who does not teach the journal at first. */
const mathTeacher = 'acc-ee-teacher-math-2';

const journalBody = { name: 'Rünnak', classId: C.ee5a, studentIds: [A.eeStudent, A.eeStudent2], workIds: [DEMO_WORK] };
const answerPath = () => `schools/${S.ee}/tasks/${taskId}/answer`;
const feedbackPath = (student: string = A.eeStudent) => `schools/${S.ee}/journals/${journalId}/tasks/${taskId}/answers/${student}/feedback`;
const stored = (student: string) => host.services.db.collection('schools').read(`answer:${taskId}:${student}`, S.ee);

async function newTask(extra: Record<string, unknown> = {}, journal = journalId): Promise<string> {
  const r = await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/journals/${journal}/tasks`, {
    title: 'Ülesanne',
    workId: DEMO_WORK,
    exerciseIds: ['ex-single', 'ex-numeric', 'ex-open'],
    dueAt: inDays(host, 7),
    ...extra,
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
}

beforeAll(async () => {
  host = await startLearningHost();
  call = client(host);
  await license(host, A.eeStudent);
  await license(host, A.eeStudent2);
  await addTeacher(host, mathTeacher, S.ee, ['mathematics']);
  const j = await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/subjects/mathematics/journals`, journalBody);
  expect(j.status, JSON.stringify(j.body)).toBe(201);
  journalId = j.body.id;
  taskId = await newTask();
});
afterAll(async () => host?.close());

describe('journals and tasks: bad input and other schools', () => {
  it("LRN-1: a journal naming another school's student, a non-teacher co-teacher or another school's class is refused", async () => {
    const student = await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/subjects/mathematics/journals`, {
      ...journalBody,
      studentIds: [A.fiStudent],
    });
    expect(student.status).toBe(422);
    expect(student.body.error.code).toBe('journal_people_invalid');
    const coTeacher = await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/subjects/mathematics/journals`, {
      ...journalBody,
      coTeacherIds: [A.eeStudent2],
    });
    expect(coTeacher.body.error.code).toBe('journal_people_invalid');
    const klass = await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/subjects/mathematics/journals`, { ...journalBody, classId: C.fi7a });
    expect(klass.status).toBe(422);
    expect(klass.body.error.code).toBe('journal_class_not_found');
    expect(
      (await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/subjects/mathematics/journals`, { ...journalBody, gradingScale: 'fi-4-10' })).body.error
        .code,
    ).toBe('grading_scale_not_allowed');
    expect((await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/subjects/mathematics/journals`, { ...journalBody, extra: 1 })).status).toBe(422);
    expect(
      (await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/subjects/mathematics/journals`, { ...journalBody, schoolYear: '2026/2028' })).status,
    ).toBe(422);
    // Another school's journal route: the Finnish teacher is refused at the door.
    expect((await call(A.fiTeacher, 'POST', `schools/${S.ee}/subjects/mathematics/journals`, journalBody)).status).toBe(403);
    // Nothing of these was stored: the teacher's list holds the one journal.
    const list = await call(A.eeClassTeacher, 'GET', `schools/${S.ee}/journals?subject=mathematics`);
    expect(list.body.journals.map((j: { id: string }) => j.id).sort()).toEqual([demoLearning.journalId, journalId].sort());
  });

  it('LRN-2: tasks outside the journal (work, students), unknown exercises and a bad window are refused, nothing stored', async () => {
    const base = { title: 'x', workId: DEMO_WORK, exerciseIds: ['ex-single'], dueAt: inDays(host, 2) };
    const path = `schools/${S.ee}/journals/${journalId}/tasks`;
    expect((await call(A.eeClassTeacher, 'POST', path, { ...base, workId: 'pub-ee-naide.other' })).body.error.code).toBe('task_work_not_in_journal');
    expect((await call(A.eeClassTeacher, 'POST', path, { ...base, studentIds: [A.fiStudent] })).body.error.code).toBe('task_students_not_in_journal');
    const unknown = await call(A.eeClassTeacher, 'POST', path, { ...base, exerciseIds: ['ex-nope'] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe('task_content_unknown');
    expect((await call(A.eeClassTeacher, 'POST', path, { ...base, opensAt: inDays(host, 3), closesAt: inDays(host, 1) })).body.error.code).toBe(
      'task_window_invalid',
    );
    expect((await call(A.eeClassTeacher, 'POST', path, { ...base, dueAt: 'tomorrow' })).status).toBe(422);
    expect((await call(A.eeClassTeacher, 'POST', path, { ...base, exerciseIds: [] })).status).toBe(422);
    // A teacher of another subject, and another school's teacher: refused at the door; a teacher of the subject who
    // does not teach this journal: no such journal.
    expect((await call(A.eeTeacher, 'POST', path, base)).status).toBe(403);
    expect((await call(mathTeacher, 'POST', path, base)).status).toBe(404);
    expect((await call(A.fiTeacher, 'POST', path, base)).status).toBe(403);
    const view = await call(A.eeClassTeacher, 'GET', `schools/${S.ee}/journals/${journalId}`);
    expect(view.body.tasks.map((t: { id: string }) => t.id)).toEqual([taskId]);
  });

  it("LRN-2: a task for some of the journal's students is seen by those only", async () => {
    const some = await newTask({ studentIds: [A.eeStudent2] });
    expect((await call(A.eeStudent2, 'GET', 'me/tasks')).body.tasks.map((t: { id: string }) => t.id)).toContain(some);
    expect((await call(A.eeStudent, 'GET', 'me/tasks')).body.tasks.map((t: { id: string }) => t.id)).not.toContain(some);
    expect((await call(A.eeStudent, 'GET', `schools/${S.ee}/tasks/${some}`)).status).toBe(404);
    expect((await call(A.eeStudent, 'PUT', `schools/${S.ee}/tasks/${some}/answer`, { responses: {} })).status).toBe(404);
  });
});

describe('answers: as oneself only, within the task, once', () => {
  it('ACL-4: a student cannot name another student: a studentId in the body is refused, and answers are stored as the caller', async () => {
    const r = await call(A.eeStudent2, 'PUT', answerPath(), { studentId: A.eeStudent, responses: answers.right });
    expect(r.status).toBe(422);
    expect(await stored(A.eeStudent)).toBeUndefined();
    const own = await call(A.eeStudent2, 'PUT', answerPath(), { responses: { 'ex-single': { kind: 'single', choice: 'a' } } });
    expect(own.status).toBe(200);
    expect(own.body.studentId).toBe(A.eeStudent2);
    // Mihkel does not see Liis's answer as his.
    expect((await call(A.eeStudent, 'GET', `schools/${S.ee}/tasks/${taskId}`)).body.answer).toBeUndefined();
  });

  it("ACL-5: a parent, and a teacher who is a parent, cannot answer or grade in the child's name", async () => {
    expect((await call(A.eeParent, 'PUT', answerPath(), { responses: answers.right, submit: true })).status).toBe(403);
    expect((await call(A.teacherParent, 'PUT', answerPath(), { responses: answers.right, submit: true })).status).toBe(403);
    expect((await call(A.eeParent, 'PUT', feedbackPath(), { grade: 5, publish: true })).status).toBe(403);
    expect((await call(A.eeParent, 'GET', `schools/${S.ee}/tasks/${taskId}`)).status).toBe(403);
    expect(await stored(A.eeStudent)).toBeUndefined();
  });

  it('LRN-3: answers to exercises not in the task, of the wrong kind, or too large are refused, nothing stored', async () => {
    const unknown = await call(A.eeStudent, 'PUT', answerPath(), { responses: { ...answers.right }, submit: true });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe('answer_exercise_unknown');
    const kind = await call(A.eeStudent, 'PUT', answerPath(), { responses: { 'ex-single': { kind: 'numeric', value: 1 } }, submit: true });
    expect(kind.status).toBe(422);
    expect(kind.body.error.code).toBe('answer_invalid');
    const malformed = await call(A.eeStudent, 'PUT', answerPath(), { responses: { 'ex-single': { kind: 'single' } } });
    expect(malformed.status).toBe(422);
    const huge = await call(
      A.eeStudent,
      'PUT',
      answerPath(),
      JSON.stringify({ responses: { 'ex-open': { kind: 'open', text: 'x'.repeat(2_000_000) } } }),
    );
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
    expect((await call(A.eeStudent, 'PUT', answerPath(), '{"responses": ')).status).toBe(400);
    expect(await stored(A.eeStudent)).toBeUndefined();
  });

  it('LRN-3: a submission repeated (a retry, or ten at once) is one submission; a different one waits for the teacher', async () => {
    const responses = {
      'ex-single': answers.right['ex-single'],
      'ex-numeric': answers.right['ex-numeric'],
      'ex-open': { kind: 'open', text: 'Pythagoras' },
    };
    const results = await Promise.all(Array.from({ length: 10 }, () => call(A.eeStudent, 'PUT', answerPath(), { responses, submit: true })));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(new Set(results.map((r) => r.body.submittedAt)).size).toBe(1);
    expect(results[0]!.body).toMatchObject({ attempt: 1, score: 2, maxScore: 7 });
    expect(results[0]!.body.results.find((r: { exerciseId: string }) => r.exerciseId === 'ex-open')).toMatchObject({ correct: 'pending' });
    const changed = await call(A.eeStudent, 'PUT', answerPath(), {
      responses: { ...responses, 'ex-single': { kind: 'single', choice: 'a' } },
      submit: true,
    });
    expect(changed.status).toBe(409);
    expect(changed.body.error.code).toBe('answer_already_submitted');
    expect((await call(A.eeStudent, 'PUT', answerPath(), { responses })).status).toBe(409);
  });

  it('LRN-3: when the teacher allows it the student submits again (attempt 2); the earlier feedback stays until new feedback', async () => {
    expect(
      (await call(A.eeClassTeacher, 'PUT', feedbackPath(), { comment: 'Paranda esimene.', grade: 3, publish: true, allowResubmit: true })).status,
    ).toBe(200);
    // A draft first: the earlier attempt's results go (they describe other responses), its feedback stays.
    const draft = await call(A.eeStudent, 'PUT', answerPath(), { responses: { 'ex-single': { kind: 'single', choice: 'b' } } });
    expect(draft.body).toMatchObject({ status: 'draft', attempt: 1, resubmitAllowed: true, feedback: { grade: 3 } });
    expect(draft.body.results).toBeUndefined();
    const again = await call(A.eeStudent, 'PUT', answerPath(), { responses: { 'ex-single': { kind: 'single', choice: 'a' } }, submit: true });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toMatchObject({ attempt: 2, status: 'submitted', score: 0 });
    expect(again.body.resubmitAllowed).toBeUndefined();
    expect(again.body.feedback).toMatchObject({ grade: 3 });
    expect((await call(A.eeStudent, 'PUT', answerPath(), { responses: {}, submit: true })).status).toBe(409);
  });
});

describe("feedback: only the journal's teachers, on the journal's scale", () => {
  it('LRN-3, ACL-2: a teacher grading outside their journals gets 404 (another teacher) or 403 (another school); nothing changes', async () => {
    const before = await stored(A.eeStudent);
    expect((await call(mathTeacher, 'PUT', feedbackPath(), { grade: 1, publish: true })).status).toBe(404);
    expect((await call(A.eeTeacher, 'PUT', feedbackPath(), { grade: 1, publish: true })).status).toBe(403);
    expect((await call(A.fiTeacher, 'PUT', feedbackPath(), { grade: 1, publish: true })).status).toBe(403);
    expect((await call(A.twoSchools, 'PUT', feedbackPath(), { grade: 1, publish: true })).status).toBe(403);
    expect((await call(A.eeAdmin, 'PUT', feedbackPath(), { grade: 1, publish: true })).status).toBe(403);
    // The teacher's own other journal with this journal's task: the answer is not in it.
    const other = await call(A.eeTeacher, 'POST', `schools/${S.ee}/subjects/estonian/journals`, { name: 'Eesti', classId: C.ee5a, workIds: [] });
    expect(other.status).toBe(201);
    expect(
      (await call(A.eeTeacher, 'PUT', `schools/${S.ee}/journals/${other.body.id}/tasks/${taskId}/answers/${A.eeStudent}/feedback`, { grade: 1 }))
        .status,
    ).toBe(404);
    expect((await stored(A.eeStudent))?._etag).toBe(before?._etag);
  });

  it('LRN-3: a grade off the scale, points out of range, a draft answer: refused with nothing stored', async () => {
    const before = await stored(A.eeStudent);
    for (const grade of [0, 6, 4.5, 'pass'])
      expect((await call(A.eeClassTeacher, 'PUT', feedbackPath(), { grade })).body.error.code, String(grade)).toBe('grade_not_on_scale');
    expect((await call(A.eeClassTeacher, 'PUT', feedbackPath(), { points: 8 })).body.error.code).toBe('points_out_of_range');
    expect((await call(A.eeClassTeacher, 'PUT', feedbackPath(), { points: -1 })).body.error.code).toBe('points_out_of_range');
    expect((await stored(A.eeStudent))?._etag).toBe(before?._etag);
    // Liis's answer is a draft.
    expect((await call(A.eeClassTeacher, 'PUT', feedbackPath(A.eeStudent2), { grade: 5 })).body.error.code).toBe('answer_not_submitted');
    expect((await call(A.eeClassTeacher, 'PUT', feedbackPath(A.fiStudent), { grade: 5 })).status).toBe(404);
  });

  it('LRN-3: grading scales: Finnish 4-10 with halves and +/-, pass/fail, percentage', async () => {
    const fi = await call(A.fiTeacher, 'POST', `schools/${S.fi}/subjects/mathematics/journals`, {
      name: '7A matematiikka',
      classId: C.fi7a,
      workIds: [DEMO_WORK],
    });
    expect(fi.status, JSON.stringify(fi.body)).toBe(201);
    expect(fi.body.gradingScale).toBe('fi-4-10');
    const pass = await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/subjects/mathematics/journals`, {
      ...journalBody,
      name: 'Arvestus',
      gradingScale: 'pass-fail',
    });
    expect(pass.body.gradingScale).toBe('pass-fail');
    const percent = await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/subjects/mathematics/journals`, {
      ...journalBody,
      name: 'Protsent',
      gradingScale: 'percentage',
    });
    expect(percent.body.gradingScale).toBe('percentage');
    const { gradeOnScale } = await import('../shared/learning/grades.js');
    expect([8.5, 8.75, 9.25, 4, 10].every((g) => gradeOnScale('fi-4-10', g))).toBe(true);
    expect([8.3, 3, 10.5, 'pass'].some((g) => gradeOnScale('fi-4-10', g as number))).toBe(false);
    expect(gradeOnScale('pass-fail', 'pass') && !gradeOnScale('pass-fail', 5)).toBe(true);
    expect(gradeOnScale('percentage', 87.5) && !gradeOnScale('percentage', 101)).toBe(true);
  });

  it('LRN-3, LRN-6: two teachers grading at once both land, one after the other, each visible change once in the history', async () => {
    // ACL-2: a co-teacher teaches the journal's subject: Helena (history) cannot be one; the other mathematics teacher can.
    expect((await call(A.eeClassTeacher, 'PATCH', `schools/${S.ee}/journals/${journalId}`, { coTeacherIds: [A.twoSchools] })).body.error.code).toBe(
      'journal_people_invalid',
    );
    const co = await call(A.eeClassTeacher, 'PATCH', `schools/${S.ee}/journals/${journalId}`, { coTeacherIds: [mathTeacher] });
    expect(co.status, JSON.stringify(co.body)).toBe(200);
    const [a, b] = await Promise.all([
      call(A.eeClassTeacher, 'PUT', feedbackPath(), { grade: 4, publish: true }),
      call(mathTeacher, 'PUT', feedbackPath(), { comment: 'Teise õpetaja poolt: hästi.', publish: true }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const answer = await stored(A.eeStudent);
    expect(answer).toMatchObject({ feedback: { grade: 4, comment: 'Teise õpetaja poolt: hästi.' } });
    const history = (await call(A.eeStudent, 'GET', 'me/study-history')).body.history as { id: string }[];
    expect(new Set(history.map((h) => h.id)).size).toBe(history.length);
    expect(history.length).toBe((answer as unknown as { feedback: { revision: number } }).feedback.revision);
  });
});

describe('journals change and end', () => {
  it('LRN-1: an archived journal takes no tasks and no changes until un-archived; only the owner changes co-teachers', async () => {
    const notOwner = await call(mathTeacher, 'PATCH', `schools/${S.ee}/journals/${journalId}`, { coTeacherIds: [] });
    expect(notOwner.status).toBe(403);
    expect(notOwner.body.error.code).toBe('journal_owner_only');
    const archived = await call(A.eeClassTeacher, 'PATCH', `schools/${S.ee}/journals/${journalId}`, { archived: true });
    expect(archived.body.archived).toBe(true);
    const task = await call(A.eeClassTeacher, 'POST', `schools/${S.ee}/journals/${journalId}/tasks`, {
      title: 'x',
      workId: DEMO_WORK,
      exerciseIds: ['ex-single'],
      dueAt: inDays(host, 2),
    });
    expect(task.status).toBe(409);
    expect(task.body.error.code).toBe('journal_archived');
    expect((await call(A.eeClassTeacher, 'PATCH', `schools/${S.ee}/journals/${journalId}`, { name: 'x' })).status).toBe(409);
    expect(
      (await call(A.eeClassTeacher, 'GET', `schools/${S.ee}/journals?subject=mathematics&archived=true`)).body.journals.map(
        (j: { id: string }) => j.id,
      ),
    ).toContain(journalId);
    expect((await call(A.eeClassTeacher, 'PATCH', `schools/${S.ee}/journals/${journalId}`, { archived: false })).body.archived).toBe(false);
  });

  it('LRN-2: before the window opens and after it closes answers are refused; after the due date they are marked late', async () => {
    const windowed = await newTask({ opensAt: inDays(host, 1), dueAt: inDays(host, 2), closesAt: inDays(host, 4) });
    const path = `schools/${S.ee}/tasks/${windowed}/answer`;
    const early = await call(A.eeStudent, 'PUT', path, { responses: {} });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('task_not_open');
    host.clock.advance(3 * 86_400_000);
    const late = await call(A.eeStudent, 'PUT', path, { responses: { 'ex-single': answers.right['ex-single'] }, submit: true });
    expect(late.status).toBe(200);
    expect(late.body.late).toBe(true);
    host.clock.advance(2 * 86_400_000);
    const closed = await call(A.eeStudent2, 'PUT', path, { responses: {}, submit: true });
    expect(closed.status).toBe(409);
    expect(closed.body.error.code).toBe('task_closed');
    expect(await host.services.db.collection('schools').read(`answer:${windowed}:${A.eeStudent2}`, S.ee)).toBeUndefined();
  });

  it('LRN-1: at the end of the school year the journal is archived by itself: read-only, still readable', async () => {
    const now = host.clock.now().getTime();
    host.clock.advance(Date.parse('2027-08-01T00:00:01Z') - now);
    const view = await call(A.eeClassTeacher, 'GET', `schools/${S.ee}/journals/${journalId}`);
    expect(view.status).toBe(200);
    expect(view.body.journal.archived).toBe(true);
    const change = await call(A.eeClassTeacher, 'PATCH', `schools/${S.ee}/journals/${journalId}`, { archived: false });
    expect(change.status).toBe(409);
    expect(change.body.error.code).toBe('journal_archived');
    // Its tasks take no more answers.
    const answer = await call(A.eeStudent2, 'PUT', answerPath(), { responses: {}, submit: true });
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('task_closed');
  });

  it('ACC-4: a student whose role in the school has ended sees and answers none of its tasks', async () => {
    const accounts = host.services.db.collection('accounts');
    const liis = await accounts.read<AccountDoc>(A.eeStudent2, A.eeStudent2);
    // She moved to Koivula: a student still, but no longer of Kuusiku.
    await accounts.upsert<AccountDoc>({ ...liis!, schoolRoles: [{ schoolId: S.fi, role: 'student', classId: C.fi7a }] });
    expect((await call(A.eeStudent2, 'GET', `schools/${S.ee}/tasks/${taskId}`)).status).toBe(404);
    expect((await call(A.eeStudent2, 'PUT', answerPath(), { responses: {}, submit: true })).status).toBe(404);
    expect((await call(A.eeStudent2, 'GET', `me/tasks?schoolId=${S.ee}`)).status).toBe(404);
    expect((await call(A.eeStudent2, 'GET', 'me/tasks')).body).toMatchObject({ schoolId: S.fi, tasks: [] });
  });
});
