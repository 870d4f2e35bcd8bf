import { USER_FILES_CONTAINER } from '../platform/blob.js';
import type { StorageRules } from '../platform/cosmos.js';
import type { ContainerSpec, DataRegistry, DocumentTypeSpec } from './registry-types.js';

export type * from './registry-types.js';

/**
 * The data registry. Every container and every document type the code writes is declared here; the Cosmos adapter
 * refuses to write an undeclared type, infra/containers.json is generated from it, and export/erasure follow it.
 * Partition keys follow the hot paths (DESIGN.md s.4): per-account data by account id so export and erasure read one
 * partition, school data by school id so teacher and administrator views are single-partition queries.
 */
const containers = [
  { name: 'accounts', partitionKeyPath: '/accountId', description: 'Per-account data: profile, sessions, login log, entitlements.' },
  {
    name: 'logins',
    partitionKeyPath: '/id',
    description: 'Index documents from an external login, e-mail or personal code to an account: one point read at sign-in.',
  },
  {
    name: 'schools',
    partitionKeyPath: '/schoolId',
    description: 'Schools with their classes, memberships, invitations, parent links and study work.',
  },
  { name: 'catalog', partitionKeyPath: '/publisherId', description: 'Publishers, works and packages with prices.' },
  {
    name: 'jobs',
    partitionKeyPath: '/accountId',
    description: 'Data-subject requests and background job state (system jobs use accountId "system").',
  },
  {
    name: 'orders',
    partitionKeyPath: '/accountId',
    description: 'Orders with their payment, invoice and refund records (accounting data), per buyer; the invoice register per year.',
  },
  {
    name: 'payments',
    partitionKeyPath: '/transactionId',
    description: 'Payment provider transactions and every message received about them, stored before processing (PAY-2).',
  },
  {
    name: 'content',
    partitionKeyPath: '/publisherId',
    description: "Works' drafts and published versions (content with answer keys, search index), by publisher: point reads by id.",
    // Drafts, versions and their chapters are read by id (or by a list of ids): their bodies need no index, and
    // indexing them would make every write of a large work cost far more request units.
    excludedPaths: ['/content/*', '/chapters/*', '/chapter/*', '/search/*'],
  },
  {
    name: 'events',
    partitionKeyPath: '/accountId',
    description: 'Identifiable usage events (LOG-1), kept 5 years (RET-7): ingestion writes only.',
    // A front-end batch's events are read with their document (export), never queried: indexing 100 of them would
    // make every write cost many times more request units.
    excludedPaths: ['/events/*'],
  },
  {
    name: 'stats',
    partitionKeyPath: '/scope',
    description:
      "Anonymous usage aggregates (LOG-1, STAT-1, STAT-2): one partition per municipality (m:<name>, or s:<schoolId> for a school without one) and per publisher (p:<publisherId>), so a municipality's schools or a publisher's works over months are one single-partition query; beside them, short-lived keyed-hash documents: person-month markers, batch records, rate windows (each its own partition).",
    // Redelivery bookkeeping and the markers' hashed keys are read by id only.
    excludedPaths: ['/applied/*', '/cells/*'],
  },
  {
    name: 'audit',
    partitionKeyPath: '/subjectId',
    description: 'Who of the operator staff saw whose data: one partition per data subject, which they can read.',
  },
  {
    name: 'history',
    partitionKeyPath: '/accountId',
    description:
      "30-day change history of a student's study information (LRN-6), one partition per student: their and their parents' history view is one query.",
  },
] as const satisfies readonly ContainerSpec[];

export type ContainerName = (typeof containers)[number]['name'];

// The registry declares platform's container names (platform imports no area).
declare module '../platform/cosmos.js' {
  interface ContainerNames extends Record<(typeof containers)[number]['name'], true> {}
}

const accountsDeleted = { kind: 'event', event: 'account-deleted', requirement: 'RET-1' } as const;

const documentTypes: DocumentTypeSpec[] = [
  {
    type: 'account',
    container: 'accounts',
    description:
      "Profile: names, personal code (and where it was verified) or birth date, e-mail, phone, language, country, status; linked logins; school roles, publisher, staff and municipality roles and the schools it has had a role in; parent and child links (with the linked person's names, for the family lists; taken off when that person is erased) and the links just ended; privacy settings (consents, restriction and objections); suspension and breach count; when it last signed in (RET-9) and the inactivity notice sent (year, time); its closure (when, by whom); the ids and ends of its active sessions (one read authenticates); how many parent-child link requests it made in the current 15 minutes (ACC-3 throttle counter, numbers only).",
    personalData: ['identification', 'contact', 'authentication', 'school-role', 'parent-link', 'privacy-settings', 'security-log'],
    purpose: 'Identify the user and provide the account (AUTH-3, ACC-2).',
    lawfulBasis: 'contract',
    retention: accountsDeleted,
    subjectField: 'accountId',
    find: { partitions: 'subject' },
    export: { omit: [] },
    erasure: 'delete',
    requirements: ['AUTH-3', 'ACC-2', 'RET-1'],
  },
  {
    type: 'login-index',
    container: 'logins',
    description:
      'Maps a provider subject id (harid:<sub>), an e-mail with its password hash (email:<address>) or a personal code (pcode:EE:<code>) to an account id. A password login also counts, for its address, recent failed sign-ins and sign-ups and when an "account exists" e-mail last went (AUTH-2 throttle counters, numbers only), and which name + IP bucket its last failed sign-in counted in (a few characters of that bucket\'s keyed id, not exported).',
    personalData: ['authentication'],
    purpose: 'Sign the user in with an external account or password (AUTH-1, AUTH-2).',
    lawfulBasis: 'contract',
    retention: accountsDeleted,
    subjectField: 'accountId',
    find: { partitions: 'account-logins' },
    export: { omit: ['passwordHash', 'signin_last_pair'] },
    erasure: 'delete',
    requirements: ['AUTH-1', 'AUTH-2', 'RET-1'],
  },
  {
    type: 'session',
    container: 'accounts',
    description: 'A signed-in session: hashed refresh tokens (current and recent, for reuse detection), status, times, browser.',
    personalData: ['authentication', 'device'],
    purpose: 'Keep the user signed in and let them or the operator end sessions at once (AUTH-5).',
    lawfulBasis: 'contract',
    // Refreshing rewrites the document, so an abandoned session disappears 60 days after its last use.
    retention: { kind: 'fixed', days: 60, requirement: 'AUTH-5' },
    subjectField: 'accountId',
    find: { partitions: 'subject' },
    export: { omit: ['refreshHash', 'previousRefreshHashes'] },
    erasure: 'delete',
    requirements: ['AUTH-5'],
  },
  {
    type: 'login-log',
    container: 'accounts',
    description: 'One sign-in, failure, sign-out, suspension or password change: time, method, IP, country, browser.',
    personalData: ['security-log', 'usage'],
    purpose: 'Security log the user can read and the operator can investigate misuse with (AUTH-4).',
    lawfulBasis: 'legitimate-interest',
    // 1827 days: five calendar years even when they hold two leap days.
    retention: { kind: 'fixed', days: 5 * 365 + 2, requirement: 'RET-8' },
    subjectField: 'accountId',
    find: { partitions: 'subject' },
    export: { omit: [] },
    // Kept for its 5 years even after erasure of the account: it is the evidence of who used the account (eKool practice).
    erasure: 'legal-hold',
    requirements: ['AUTH-4', 'RET-8'],
  },
  {
    type: 'password-token',
    container: 'logins',
    description: 'A single-use e-mail verification or password reset token, stored only as its hash.',
    personalData: ['authentication'],
    purpose: 'Verify e-mail addresses and reset forgotten passwords (AUTH-2).',
    lawfulBasis: 'contract',
    retention: { kind: 'fixed', days: 2, requirement: 'AUTH-2' },
    subjectField: 'accountId',
    find: { partitions: 'none', reason: 'Keyed by the hash of the token: only the link in the e-mail finds it; it lives 2 days.' },
    export: { omit: ['id'] },
    erasure: 'delete',
    requirements: ['AUTH-2'],
  },
  {
    type: 'login-throttle',
    container: 'logins',
    description:
      'Counts of recent failed sign-ins per sign-in name without a login, per such name and IP and per IP address, of sign-ups per IP, of reset requests and link requests per address and IP, and of rejected payment messages per IP (names and addresses only as keyed hashes).',
    personalData: ['security-log'],
    purpose: 'Slow down password guessing (AUTH-2).',
    lawfulBasis: 'legitimate-interest',
    retention: { kind: 'fixed', days: 1, requirement: 'AUTH-2' },
    subjectField: 'accountId',
    find: { partitions: 'none', reason: 'Keyed by keyed hashes of sign-in names and IP addresses; it lives 1 day.' },
    export: { omit: ['id'] },
    erasure: 'delete',
    requirements: ['AUTH-2'],
  },
  {
    type: 'sign-in-throttle',
    container: 'accounts',
    description:
      "The name + IP bucket of a sign-in name that has an account, in that account's partition (AUTH-2): recent failed sign-ins and password checks from one address (the address only in the id, as a keyed hash), attempts in flight, and a lock.",
    personalData: ['security-log'],
    purpose: 'Limit password guessing against the account from one address (AUTH-2).',
    lawfulBasis: 'legitimate-interest',
    retention: { kind: 'fixed', days: 1, requirement: 'AUTH-2' },
    subjectField: 'accountId',
    find: { partitions: 'subject' },
    // The export shows the counts, times and lock; the id is the keyed hash of the name and address.
    export: { omit: ['id'] },
    erasure: 'delete',
    requirements: ['AUTH-2'],
  },
  {
    type: 'assistant-school-usage',
    container: 'schools',
    description:
      "One of a school's eight OpiqGPT rate-limit shards (GPT-1; id assistant-usage:<shard>, in the school's partition): the messages its users sent in the shard's window, and each user's count by keyed hash of the account id. Counts only, no text.",
    personalData: ['usage'],
    purpose: 'Rate-limit the assistant per user and per school (GPT-1) without storing who wrote what (GPT-2).',
    lawfulBasis: 'legitimate-interest',
    retention: { kind: 'fixed', days: 1, requirement: 'GPT-2' },
    subjectField: 'accountId',
    find: { partitions: 'none', reason: 'Users only as keyed hashes of account ids, counts only; it lives 1 day after the last message.' },
    export: { omit: ['id'] },
    erasure: 'delete',
    requirements: ['GPT-1', 'GPT-2'],
  },
  {
    type: 'assistant-usage',
    container: 'logins',
    description:
      'How many OpiqGPT trial messages (GPT-1) a private user (by keyed hash of the account id) sent in the current window: counts only, no text.',
    personalData: ['usage'],
    purpose: 'Rate-limit the assistant per user and per school (GPT-1) without storing who wrote what (GPT-2).',
    lawfulBasis: 'legitimate-interest',
    retention: { kind: 'fixed', days: 1, requirement: 'GPT-2' },
    subjectField: 'accountId',
    find: { partitions: 'none', reason: 'Keyed by keyed hashes of account and school ids, counts only; it lives 1 day after the last message.' },
    export: { omit: ['id'] },
    erasure: 'delete',
    requirements: ['GPT-1', 'GPT-2'],
  },
  {
    type: 'stuudium-installation',
    container: 'logins',
    description: 'A Stuudium school installation (subdomain) allowed to sign people in, and the school it belongs to.',
    personalData: [],
    purpose: 'Accept Stuudium sign-ins only from schools on the platform (AUTH-1).',
    lawfulBasis: 'contract',
    retention: { kind: 'indefinite', reason: 'organisation-data' },
    requirements: ['AUTH-1'],
  },
  {
    type: 'code-link-request',
    container: 'schools',
    description:
      'An eID sign-in whose personal code matches a school-entered code but whose names differ: the school confirms or refuses the link; names asserted and on record.',
    personalData: ['identification', 'authentication'],
    purpose: "Link a sign-in to a student's account only when it is the student (AUTH-3, ACC-5).",
    lawfulBasis: 'contract',
    retention: { kind: 'fixed', days: 365, requirement: 'ACC-5' },
    subjectField: 'accountId',
    find: { partitions: 'account-schools' },
    export: { omit: ['subject', 'loginId'] },
    erasure: 'delete',
    requirements: ['AUTH-3', 'ACC-5'],
  },
  {
    type: 'ops-case',
    container: 'schools',
    description:
      "A suspension or read-only restriction of a school's user, with the reason category and the operator's and the school's comments (OPS-1).",
    personalData: ['identification', 'security-log'],
    purpose: 'Decide on suspensions and restrictions together with the school (OPS-1).',
    lawfulBasis: 'legitimate-interest',
    retention: { kind: 'fixed', days: 5 * 365 + 2, requirement: 'OPS-1' },
    subjectField: 'accountId',
    find: { partitions: 'account-schools' },
    export: { omit: [] },
    // Kept for its term: the record of a measure taken against the account and of what the school said.
    erasure: 'legal-hold',
    requirements: ['OPS-1'],
  },
  {
    type: 'staff-access',
    container: 'audit',
    description:
      "An access by operator staff to a person's data, or an act of theirs on a person or an organisation (a role given, a school or publisher created or changed, a school licence recorded): who, when, which capability, what was done, correlation id; under the person, school or publisher it concerns.",
    personalData: ['audit'],
    purpose: 'Accountability of staff access (ACL-7); the person sees who looked at their data (PRIV-1).',
    lawfulBasis: 'legal-obligation',
    retention: { kind: 'fixed', days: 3 * 365 + 1, requirement: 'ACL-7' },
    subjectField: 'subjectId',
    find: { partitions: 'subject' },
    export: { omit: [] },
    // Kept for its term even after erasure: it is the evidence that staff access was proper.
    erasure: 'legal-hold',
    requirements: ['ACL-7', 'PRIV-1'],
  },
  {
    type: 'account-change',
    container: 'accounts',
    description: 'A change of profile data (rectification): which fields, old and new values, by whom.',
    personalData: ['identification', 'contact'],
    purpose: "Record every correction of a person's data (ACC-5, PRIV-5).",
    lawfulBasis: 'legal-obligation',
    retention: { kind: 'fixed', days: 5 * 365 + 2, requirement: 'RET-2' },
    subjectField: 'accountId',
    find: { partitions: 'subject' },
    export: { omit: [] },
    erasure: 'delete',
    requirements: ['ACC-5', 'PRIV-5'],
  },
  {
    type: 'invitation',
    container: 'schools',
    description:
      "An invitation by e-mail into a school role (id invitation:<sha256 of the token>): address, role, class, subjects, the inviter's id, name and e-mail, times, state, who accepted or withdrew it; the token only as a hash.",
    personalData: ['contact', 'identification', 'school-role'],
    purpose: 'Let schools bring their people in with the right role (ACC-2).',
    lawfulBasis: 'public-task',
    // Expired, accepted or revoked invitations are kept 30 days more, then Cosmos deletes them (ttl set by the code).
    retention: { kind: 'event', event: 'invitation-closed+30d', requirement: 'ACC-2' },
    // The invited address is the invitee's until someone accepts; the inviter, the acceptor, the confirming and
    // withdrawing administrators and the claimants are each a subject of it.
    subjectField: ['acceptedBy', 'invitedBy', 'confirmedBy', 'revokedBy', 'claims[].accountId'],
    subjectEmailField: 'email',
    find: { partitions: 'account-schools' },
    export: { omit: ['tokenHash', 'id'] },
    erasure: 'delete',
    requirements: ['ACC-2'],
  },
  {
    type: 'parent-link',
    container: 'schools',
    description:
      "A parent-child link in the child's school: both account ids, the parent's and child's names (and the parent's e-mail) at request time for the administrator's review, who asked, the school's decision, its end, the history of states with who and when.",
    personalData: ['parent-link', 'identification', 'contact'],
    purpose: "Let parents see their child's study information once the school confirms (ACC-3, ACL-5).",
    lawfulBasis: 'public-task',
    retention: { kind: 'event', event: 'account-deleted+5y', requirement: 'RET-2' },
    subjectField: ['childAccountId', 'parentAccountId'],
    find: { partitions: 'account-schools' },
    export: { omit: [] },
    erasure: 'anonymise',
    anonymise: ['parentAccountId', 'childAccountId', 'decidedBy', 'endedBy', 'history[].by', 'parent@parent.accountId', 'child@child.accountId'],
    requirements: ['ACC-3', 'ACL-5'],
  },
  {
    type: 'support-request',
    container: 'accounts',
    description: "A user's inquiry to user support: subject, the messages both ways with times, status.",
    personalData: ['support'],
    purpose: 'Answer users and keep the history of their inquiries (ACC-6).',
    lawfulBasis: 'contract',
    retention: { kind: 'event', event: 'account-deleted+5y', requirement: 'RET-2' },
    subjectField: 'accountId',
    find: { partitions: 'subject' },
    export: { omit: [] },
    erasure: 'delete',
    requirements: ['ACC-6'],
  },
  // Learning (LRN-1..6). Teaching data (journals, tasks) follows RET-2, learning outcomes (answers, grades, feedback)
  // RET-4: both as a fixed period after the document's last change, which Cosmos TTL carries out with no job to fail.
  {
    type: 'journal',
    container: 'schools',
    description:
      'A study journal (LRN-1): name, subject, class or study group, school year, grading scale, the owner and co-teachers (ids and names), the students (ids and names) and the works used.',
    personalData: ['learning', 'school-role', 'identification'],
    purpose: 'Organise teaching in a class or group and a subject (LRN-1); show the school the works used per student (ACL-1).',
    lawfulBasis: 'public-task',
    // RET-2 "account and teaching data, 5 years": counted from the journal's last change (it ends with its school year).
    retention: { kind: 'fixed', days: 5 * 365 + 2, requirement: 'RET-2' },
    subjectField: ['studentIds', 'teacherIds'],
    find: { partitions: 'account-schools' },
    export: { omit: [] },
    // A journal is about a whole class: erasing one person removes them from its lists (anonymise), not the journal.
    erasure: 'anonymise',
    anonymise: ['ownerId', 'teacherIds', 'studentIds', 'teachers[]', 'students[]'],
    requirements: ['LRN-1', 'ACL-1', 'ACL-3', 'RET-2'],
  },
  {
    type: 'task',
    container: 'schools',
    description:
      "A task (LRN-2): the exercises or pages of a journal's work (with the work version and the exercises' keys), the students it was sent to, due date and window.",
    personalData: ['learning'],
    purpose: "Assign work to a journal's students and check their answers (LRN-2, LRN-3).",
    lawfulBasis: 'public-task',
    retention: { kind: 'fixed', days: 5 * 365 + 2, requirement: 'RET-2' },
    subjectField: 'studentIds',
    find: { partitions: 'account-schools' },
    export: { omit: ['exercises'] },
    erasure: 'anonymise',
    anonymise: ['studentIds'],
    requirements: ['LRN-2', 'RET-2'],
  },
  {
    type: 'answer',
    container: 'schools',
    description:
      "A student's answer to a task (LRN-3): responses, the work version, automatic results and score, late mark, the teacher's corrections, comment, points, grade and when published.",
    personalData: ['learning'],
    purpose: 'Let students answer and get automatic and teacher feedback (LRN-3); statistics for the teacher and the student (LRN-5).',
    lawfulBasis: 'public-task',
    // RET-4 learning outcomes: 5 years (from the last change), or until the user asks for deletion (erasure deletes).
    retention: { kind: 'fixed', days: 5 * 365 + 2, requirement: 'RET-4' },
    subjectField: 'studentId',
    find: { partitions: 'account-schools' },
    export: { omit: [] },
    erasure: 'delete',
    requirements: ['LRN-3', 'LRN-5', 'RET-4'],
  },
  {
    type: 'task-stats',
    container: 'schools',
    description:
      "A task's running statistics (LRN-5): totals over its answers, and each answer's figures (submitted or draft, late, percent, per exercise right/wrong and share of points) keyed by a hash of the answer's id, never the student's id.",
    personalData: [],
    purpose: "Show a journal's teachers complete statistics per task and over the journal (LRN-5).",
    lawfulBasis: 'public-task',
    // Figures without a name; they follow the task's teaching data (RET-2).
    retention: { kind: 'fixed', days: 5 * 365 + 2, requirement: 'RET-2' },
    requirements: ['LRN-5', 'RET-2'],
  },
  {
    type: 'study-history',
    container: 'history',
    description: "One change to a student's study information (grade, feedback, correction, deletion of an answer): when, by whom, before and after.",
    personalData: ['study-history', 'learning'],
    purpose: 'Show the student and their parents every change to study information for 30 days (LRN-6).',
    lawfulBasis: 'public-task',
    retention: { kind: 'fixed', days: 30, requirement: 'LRN-6' },
    subjectField: 'accountId',
    find: { partitions: 'subject' },
    export: { omit: [] },
    erasure: 'delete',
    requirements: ['LRN-6', 'ACC-4'],
  },
  {
    type: 'material-annotation',
    container: 'accounts',
    description: 'A note, bookmark or highlight of a user in a work: the position (chapter, page, block ids, offsets), the text, a colour.',
    personalData: ['learning'],
    purpose: "The user's own notes, bookmarks and highlights in materials (LRN-4).",
    lawfulBasis: 'contract',
    retention: { kind: 'event', event: 'account-deleted+5y', requirement: 'RET-2' },
    subjectField: 'accountId',
    find: { partitions: 'subject' },
    export: { omit: [] },
    erasure: 'delete',
    requirements: ['LRN-4', 'ACL-4', 'ACL-5'],
  },
  {
    type: 'material-progress',
    container: 'accounts',
    description: 'What a user has worked through in one work: pages and exercises visited or completed, with times.',
    personalData: ['learning'],
    purpose: 'Show users (and their parents) what material they have worked through (LRN-4).',
    lawfulBasis: 'contract',
    retention: { kind: 'event', event: 'account-deleted+5y', requirement: 'RET-2' },
    subjectField: 'accountId',
    find: { partitions: 'subject' },
    export: { omit: [] },
    erasure: 'delete',
    requirements: ['LRN-4', 'ACL-4', 'ACL-5'],
  },
  {
    type: 'material-library',
    container: 'accounts',
    description:
      "A user's own materials (files and texts they added): name, a text's title and revision, sniffed type, size, hash, blob name, journals shared with. The files are blobs under the account's prefix.",
    personalData: ['learning'],
    purpose: 'Materials users add for themselves, and teachers share with their journals (LRN-4, LRN-1).',
    lawfulBasis: 'contract',
    retention: { kind: 'event', event: 'account-deleted+5y', requirement: 'RET-2' },
    subjectField: 'accountId',
    find: { partitions: 'subject' },
    export: { omit: [] },
    erasure: 'delete',
    blobs: { container: 'user-files', prefix: 'accounts/{accountId}/' },
    requirements: ['LRN-4', 'PRIV-2', 'PRIV-3'],
  },
  {
    type: 'journal-material-share',
    container: 'schools',
    description: "A teacher's own material shared with a journal: owner, material id, name, type, size, the blob's name.",
    personalData: ['learning'],
    purpose: "Let a journal's students open the materials its teacher shared (LRN-1, LRN-4).",
    lawfulBasis: 'public-task',
    retention: { kind: 'event', event: 'account-deleted+5y', requirement: 'RET-2' },
    subjectField: 'ownerId',
    find: { partitions: 'account-schools' },
    export: { omit: ['blob'] },
    erasure: 'delete',
    requirements: ['LRN-4', 'LRN-1'],
  },
  {
    type: 'school',
    container: 'schools',
    description: 'A school: name, country, registry code, municipality; who of the operator staff created it.',
    personalData: [],
    purpose: 'Organise users by school.',
    lawfulBasis: 'contract',
    retention: { kind: 'indefinite', reason: 'organisation-data' },
    requirements: ['ACC-1'],
  },
  {
    type: 'mpassid-code',
    container: 'schools',
    description:
      'Which school holds an MPASSid school code (id mpassid-code:<code>, all in the partition mpassid-codes): created before the school lists the code, so two schools cannot list one code; deleted when the list drops it.',
    personalData: [],
    purpose: "Give MPASSid sign-ins of a school's teachers to that one school (OPS-3).",
    lawfulBasis: 'contract',
    retention: { kind: 'indefinite', reason: 'organisation-data' },
    requirements: ['OPS-3'],
  },
  {
    type: 'assistant-report',
    container: 'schools',
    description:
      'An answer of the OpiqGPT trial a user reported as bad (GPT-1; id assistant-report:<hash of question and answer>, all in the partition assistant-reports): the question and the answer as the client sent them, the reason, an optional note, the language and the time. No account, school or device: the texts may hold whatever the person typed, tied to nobody.',
    // Usage of the assistant like its counts (not a support request of a person: nobody is named or can be found).
    personalData: ['usage'],
    purpose: 'Let the operator review harmful or wrong answers given to children and tune the system prompt and moderation (GPT-1).',
    lawfulBasis: 'legitimate-interest',
    retention: { kind: 'fixed', days: 90, requirement: 'GPT-2' },
    subjectField: 'accountId',
    find: { partitions: 'none', reason: 'Stored without the person who reported it: nothing ties it to an account; it lives 90 days.' },
    export: { omit: ['id'] },
    erasure: 'delete',
    requirements: ['GPT-1', 'GPT-2'],
  },
  {
    type: 'assistant-setting',
    container: 'schools',
    description:
      "A school's switch for the OpiqGPT trial: whether its students may use it, and when it was last changed. All schools' switches share the partition assistant-settings (one query for a student of several schools).",
    personalData: [],
    purpose: "Let the school's administrator switch the assistant off for students (GPT-1).",
    lawfulBasis: 'contract',
    retention: { kind: 'indefinite', reason: 'organisation-setting' },
    requirements: ['GPT-1'],
  },
  {
    type: 'class',
    container: 'schools',
    description: 'A class or study group of a school: name, grade, school year.',
    personalData: [],
    purpose: 'Organise students and journals.',
    lawfulBasis: 'public-task',
    retention: { kind: 'indefinite', reason: 'organisation-data' },
    requirements: ['ACC-1'],
  },
  {
    type: 'membership',
    container: 'schools',
    description:
      "A person's role in a school: student, teacher, class teacher, administrator; class, subjects; the person's name and e-mail at the time (the school's lists are one query); who invited them and who ended the role.",
    personalData: ['school-role', 'identification', 'contact'],
    purpose: 'Give school users the rights their role needs (ACC-1, ACL-1..5).',
    lawfulBasis: 'public-task',
    retention: { kind: 'event', event: 'account-deleted+5y', requirement: 'RET-2' },
    subjectField: ['accountId', 'invitedBy', 'endedBy'],
    find: { partitions: 'account-schools' },
    export: { omit: [] },
    erasure: 'anonymise',
    anonymise: ['accountId', 'invitedBy', 'endedBy', 'firstName@accountId', 'lastName@accountId', 'email@accountId', 'inviter@inviter.accountId'],
    requirements: ['ACC-1', 'ACC-2', 'RET-2'],
  },
  {
    type: 'publisher',
    container: 'catalog',
    description: 'A publisher of works.',
    personalData: [],
    purpose: 'Catalogue.',
    lawfulBasis: 'contract',
    retention: { kind: 'indefinite', reason: 'catalogue-data' },
    requirements: ['STORE-1'],
  },
  {
    type: 'work',
    container: 'catalog',
    description: 'A digital textbook: title, subjects, country, distribution status.',
    personalData: [],
    purpose: 'Catalogue.',
    lawfulBasis: 'contract',
    retention: { kind: 'indefinite', reason: 'catalogue-data' },
    requirements: ['STORE-1', 'OPS-2'],
  },
  {
    type: 'work-draft',
    container: 'content',
    description: "A work's draft as its publisher's CMS users edit it: content with answer keys, revision, and who saved it last (account id).",
    personalData: ['authorship'],
    purpose: 'Let publishers prepare their works (issue 18, ACL-6).',
    lawfulBasis: 'contract',
    retention: { kind: 'event', event: 'work-retired', requirement: 'RET-2' },
    subjectField: 'updatedBy',
    find: { partitions: 'account-publishers' },
    export: { omit: ['content'] },
    erasure: 'anonymise',
    anonymise: ['updatedBy'],
    requirements: ['ACC-1', 'ACL-6'],
  },
  {
    type: 'work-version',
    container: 'content',
    description:
      'A published version of a work: immutable content with answer keys, its search index, and who published it when (account id, CMS role).',
    personalData: ['authorship'],
    purpose: "The version students work in and their answers refer to (LRN-3); the publisher's record of who published it.",
    lawfulBasis: 'contract',
    retention: { kind: 'event', event: 'work-retired', requirement: 'RET-2' },
    subjectField: 'publishedBy.accountId',
    find: { partitions: 'account-publishers' },
    export: { omit: ['chapters', 'search'] },
    erasure: 'anonymise',
    anonymise: ['publishedBy.accountId'],
    requirements: ['LRN-3', 'OPS-2'],
  },
  {
    type: 'work-chapter',
    container: 'content',
    description:
      "One chapter of a large work's draft or published version (issue 18: a work over 800 kB is stored per chapter): its content with answer keys and, in a version, its search index. Only ever created; a draft's chapter that is no longer used is deleted.",
    personalData: [],
    purpose: "Hold works too large for one document (the draft or version document lists its chapters' documents).",
    lawfulBasis: 'contract',
    retention: { kind: 'indefinite', reason: 'work-content' },
    requirements: ['LRN-3', 'OPS-2'],
  },
  {
    type: 'usage-event',
    container: 'events',
    description:
      'One usage event (LOG-1): kind, time, account id and non-personal dimensions (a search: where, counts of words, characters and hits; never its text).',
    personalData: ['usage'],
    purpose: 'Platform development (LOG-1).',
    lawfulBasis: 'legitimate-interest',
    retention: { kind: 'fixed', days: 1826, requirement: 'RET-7' },
    subjectField: 'accountId',
    find: { partitions: 'subject' },
    export: { omit: [] },
    erasure: 'delete',
    requirements: ['LOG-1', 'RET-7'],
  },
  {
    type: 'usage-batch-events',
    container: 'events',
    description:
      'One batch of usage events from the front end (LOG-1), as its person sent it: page views (work, chapter, page, seconds), searches (where, counts of words, characters and hits; never the text), uses of interactive components (kind, action), with the browser family and version and the country of the request. Written only while the person allows usage recording (PRIV-4).',
    personalData: ['usage', 'device'],
    purpose: 'Platform development (LOG-1).',
    lawfulBasis: 'legitimate-interest',
    retention: { kind: 'fixed', days: 1826, requirement: 'RET-7' },
    subjectField: 'accountId',
    find: { partitions: 'subject' },
    export: { omit: [] },
    erasure: 'delete',
    requirements: ['LOG-1', 'RET-7', 'PRIV-4'],
  },
  {
    type: 'usage-daily',
    container: 'stats',
    description:
      'Counts of one day in one cell: views, seconds in view, searches, interactions. Municipality partitions: per school, role group (student/staff) and work (or "-" for searches outside a work), with the work\'s subjects. Publisher partitions: per work, chapter and country. Which batches it counts: its usage-applied markers. No person is named.',
    personalData: [],
    purpose: 'Anonymous statistics for municipalities, the ministry and publishers, and platform development (LOG-1, STAT-1, STAT-2).',
    lawfulBasis: 'legitimate-interest',
    // The notices keep usage that cannot be associated with a person for as long as the service is developed.
    retention: { kind: 'indefinite', reason: 'anonymous-usage' },
    requirements: ['LOG-1', 'STAT-1', 'STAT-2'],
  },
  {
    type: 'usage-monthly',
    container: 'stats',
    description:
      'Distinct people of one month in one cell (never who): per school and role group over all works, per work and per subject; per municipality (a person of two of its schools once) over all works and per work; per country; per publisher work, chapter and exercise. Counted through person-month markers.',
    personalData: [],
    purpose: 'Active people for anonymous statistics (STAT-1, STAT-2); small cells are suppressed where they are shown.',
    lawfulBasis: 'legitimate-interest',
    retention: { kind: 'indefinite', reason: 'count-per-cell' },
    requirements: ['LOG-1', 'STAT-1', 'STAT-2'],
  },
  {
    type: 'usage-month-counts',
    container: 'stats',
    description:
      "A month's counts in one municipality-partition cell, per school, role group and work: views, seconds in view, searches, interactions, tasks done (submitted answers). The municipality report's roll-up (it reads months, never days). `applied` as in usage-daily. No person is named.",
    personalData: [],
    purpose: 'Anonymous statistics for municipalities (STAT-1).',
    lawfulBasis: 'legitimate-interest',
    retention: { kind: 'indefinite', reason: 'count-per-cell' },
    requirements: ['LOG-1', 'STAT-1'],
  },
  {
    type: 'usage-enrolment',
    container: 'stats',
    description:
      "A school's number of active students in a month (the largest count seen that month), beside its usage cells: the population suppression leaves at least 5 of out. No person is named.",
    personalData: [],
    purpose: 'Suppression of small cells in anonymous statistics (STAT-1, STAT-2).',
    lawfulBasis: 'legitimate-interest',
    retention: { kind: 'indefinite', reason: 'count-per-cell' },
    requirements: ['STAT-1'],
  },
  {
    type: 'usage-person-month',
    container: 'stats',
    description:
      'A person-month marker: which cells already count the person this month. Its id and keys are keyed hashes of the account id with the month and cell, values keyed hashes of batch ids; written only for people who allow usage recording.',
    personalData: ['usage'],
    purpose: 'Count each person once per month and cell without storing their id in the aggregates (LOG-1).',
    lawfulBasis: 'legitimate-interest',
    retention: { kind: 'fixed', days: 62, requirement: 'LOG-1' },
    subjectField: 'scope',
    find: { partitions: 'none', reason: 'Keyed by keyed hashes of the account id and month; it lives 62 days.' },
    export: { omit: ['id'] },
    erasure: 'delete',
    requirements: ['LOG-1', 'PRIV-4'],
  },
  {
    type: 'usage-batch',
    container: 'stats',
    description:
      "A usage batch wholly recorded (id: a keyed hash of its caller and the front end's batch id, or for a task done a keyed hash of the submitted answer and its time; how it was recorded, the number of events): its repeat is dropped.",
    personalData: [],
    purpose: 'Count a batch once however often it is delivered or resent (LOG-1).',
    lawfulBasis: 'legitimate-interest',
    retention: { kind: 'fixed', days: 8, requirement: 'LOG-1' },
    requirements: ['LOG-1'],
  },
  {
    type: 'usage-applied',
    container: 'stats',
    description:
      "That one batch was added to one aggregate cell (id: the cell's id and a keyed hash of the batch, in the cell's partition), written in the same transactional batch as the cell: a redelivery, however late, adds nothing twice.",
    personalData: [],
    purpose: 'Count a batch once in every cell however often and however late it is delivered (LOG-1).',
    lawfulBasis: 'legitimate-interest',
    // Longer than a usage-events message lives on its queue (7 days).
    retention: { kind: 'fixed', days: 8, requirement: 'LOG-1' },
    requirements: ['LOG-1'],
  },
  {
    type: 'usage-rate',
    container: 'stats',
    description: 'Events posted in one minute by one session or client address, keyed by a keyed hash of either: the rate limit of POST /api/events.',
    personalData: [],
    purpose: 'Keep one browser from flooding the usage pipeline (LOG-1).',
    lawfulBasis: 'legitimate-interest',
    retention: { kind: 'fixed', days: 1, requirement: 'LOG-1' },
    requirements: ['LOG-1'],
  },
  {
    type: 'package',
    container: 'catalog',
    description: "A set of works sold together with a monthly licence price, with copies of its works' titles and statuses.",
    personalData: [],
    purpose: 'Catalogue and prices.',
    lawfulBasis: 'contract',
    retention: { kind: 'indefinite', reason: 'catalogue-data' },
    requirements: ['STORE-2'],
  },
  {
    type: 'timer-run',
    container: 'jobs',
    description: 'Last run of a timer function (name, time, outcome, counts): operators see whether retention ran.',
    personalData: [],
    purpose: 'Operate retention and other scheduled work.',
    lawfulBasis: 'legitimate-interest',
    retention: { kind: 'fixed', days: 400, requirement: 'RET-6' },
    requirements: ['RET-6'],
  },
  // Store and payments (STORE-*, PAY-*): orders and everything about their payment is accounting data (RET-3).
  {
    type: 'order',
    container: 'orders',
    description:
      'An order: package, works, licence months and start date, the price, VAT and payment method at the moment of ordering, the no-withdrawal acknowledgement, buyer name/e-mail/country, payment (incl. the payer account when reported), invoice, refunds, state transitions.',
    personalData: ['accounting', 'contact', 'identification'],
    purpose: 'Sell and prove the sale of licences; accounting (STORE-2, STORE-5, PAY-3).',
    lawfulBasis: 'legal-obligation',
    retention: { kind: 'accounting', requirement: 'RET-3' },
    subjectField: 'accountId',
    find: { partitions: 'subject' },
    export: { omit: [] },
    erasure: 'legal-hold',
    requirements: ['STORE-2', 'STORE-5', 'STORE-7', 'PAY-3', 'RET-3'],
  },
  {
    type: 'order-limit',
    container: 'orders',
    description:
      "The buyer's per-person limit on new orders: the number of orders placed in each quarter-hour (n_<quarter>), counted in the batch that creates the order.",
    personalData: ['security-log'],
    purpose: 'Limit new orders per person: each may open a payment provider transaction (abuse protection, issue 9).',
    lawfulBasis: 'legitimate-interest',
    // A year after the last order: a returning buyer's order is counted with the one write that creates it.
    retention: { kind: 'fixed', days: 365, requirement: 'STORE-2' },
    subjectField: 'accountId',
    find: { partitions: 'subject' },
    export: { omit: [] },
    erasure: 'delete',
    requirements: ['STORE-2'],
  },
  {
    type: 'invoice-register-entry',
    container: 'orders',
    description:
      'One number of the gap-free yearly prepayment invoice series (partition invoice-register:<year>): number, order, buyer account id, amount.',
    personalData: ['accounting'],
    purpose: 'A gap-free invoice number series per year (STORE-3, accounting).',
    lawfulBasis: 'legal-obligation',
    retention: { kind: 'accounting', requirement: 'RET-3' },
    subjectField: 'buyerAccountId',
    find: { partitions: 'order-invoice-years' },
    export: { omit: [] },
    erasure: 'legal-hold',
    requirements: ['STORE-3', 'RET-3'],
  },
  {
    type: 'invoice-order-number',
    container: 'orders',
    description:
      "An order's number in the yearly invoice series (partition invoice-register:<year>, id invoice-order:<orderId>): order, buyer account id, number; created with the register entry so an order never gets two numbers.",
    personalData: ['accounting'],
    purpose: 'One invoice number per order, however many requests finish its checkout at once (STORE-3, accounting).',
    lawfulBasis: 'legal-obligation',
    retention: { kind: 'accounting', requirement: 'RET-3' },
    subjectField: 'buyerAccountId',
    find: { partitions: 'order-invoice-years' },
    export: { omit: [] },
    erasure: 'legal-hold',
    requirements: ['STORE-3', 'RET-3'],
  },
  {
    type: 'invoice-counter',
    container: 'orders',
    description: 'The last invoice number taken in a year, moved in one batch with its register entry: where the next number is taken.',
    personalData: [],
    purpose: 'Fast gap-free invoice numbering.',
    lawfulBasis: 'legal-obligation',
    retention: { kind: 'indefinite', reason: 'yearly-number' },
    requirements: ['STORE-3'],
  },
  {
    type: 'payment-transaction',
    container: 'payments',
    description: 'A Maksekeskus transaction we created: its id, our order and buyer account id, amount, currency, chosen method.',
    personalData: ['accounting'],
    purpose: 'Find the order a payment message is about with one point read (PAY-2).',
    lawfulBasis: 'legal-obligation',
    retention: { kind: 'accounting', requirement: 'RET-3' },
    subjectField: 'accountId',
    find: { partitions: 'order-transactions' },
    export: { omit: [] },
    erasure: 'legal-hold',
    requirements: ['PAY-2', 'RET-3'],
  },
  {
    type: 'payment-message',
    container: 'payments',
    description:
      'A message from Maksekeskus whose MAC verified, exactly as received (json string and mac), with channel and time; may hold the payer name and bank account.',
    personalData: ['payment-message', 'accounting'],
    purpose: 'Evidence of every payment message and its processing (PAY-2, PAY-3).',
    lawfulBasis: 'legal-obligation',
    retention: { kind: 'accounting', requirement: 'RET-3' },
    subjectField: 'accountId',
    find: { partitions: 'order-transactions' },
    export: { omit: ['mac'] },
    erasure: 'legal-hold',
    requirements: ['PAY-2', 'PAY-3', 'RET-3'],
  },
  {
    type: 'payment-message-rejected',
    container: 'payments',
    description:
      'A message to the payment endpoints that failed the MAC check or was malformed (partition rejected:<date>): the first 8 KiB as received, its hash, the reason, the sender IP.',
    personalData: ['payment-message', 'security-log'],
    purpose: 'Evidence of forged or broken payment messages for security investigation (PAY-2).',
    lawfulBasis: 'legitimate-interest',
    retention: { kind: 'fixed', days: 365, requirement: 'RET-6' },
    subjectField: 'accountId',
    find: {
      partitions: 'none',
      reason: 'A message that failed its MAC check names no account we can trust; only its sender IP, kept 1 year for security.',
    },
    export: { omit: [] },
    erasure: 'delete',
    requirements: ['PAY-2', 'RET-6'],
  },
  {
    type: 'payment-methods',
    container: 'payments',
    description: "Maksekeskus' payment methods for a country (partition methods:<country>), cached a few times a day.",
    personalData: [],
    purpose: 'Show the bank links and cards at checkout without asking Maksekeskus every time (STORE-3).',
    lawfulBasis: 'contract',
    retention: { kind: 'fixed', days: 30, requirement: 'STORE-3' },
    requirements: ['STORE-3'],
  },
  {
    type: 'school-licence',
    container: 'schools',
    description:
      "A school's licence to a work or package (school year or dates; all students, named classes, or named students, optionally a number of seats) with the invoice number or contract reference it was recorded against, who of the operator staff recorded, changed or ended it and when, and its fan-out revision.",
    // Named-student licences list the students' account ids; staff are named by account id in the history.
    personalData: ['school-role'],
    purpose: "Let a school's students and teachers open the works the school licensed (STORE-1, ACC-1).",
    lawfulBasis: 'contract',
    // Contract data of the school: kept as accounting evidence (it names the invoice or contract).
    retention: { kind: 'accounting', requirement: 'RET-3' },
    subjectField: ['audience.accountIds', 'recordedBy'],
    find: { partitions: 'account-schools' },
    export: { omit: [] },
    erasure: 'legal-hold',
    requirements: ['STORE-1', 'ACC-1', 'RET-3'],
  },
  {
    type: 'entitlement',
    container: 'accounts',
    description:
      'The licence periods an account holds for one work (id entitlement:<workId>): from its orders (from, until, order) and from its school\'s licences (from, until, school licence, the memberships that entitle it): "may this user open this work now" is one point read.',
    personalData: ['accounting'],
    purpose: 'Let a buyer open the works they paid for (STORE-4, STORE-6).',
    lawfulBasis: 'contract',
    retention: accountsDeleted,
    subjectField: 'accountId',
    find: { partitions: 'subject' },
    export: { omit: [] },
    erasure: 'delete',
    requirements: ['STORE-4', 'STORE-6'],
  },

  // --- p-consent (issue 12: PRIV-4 restriction and objection, PRIV-6 consents, PRIV-8 account closure) ---
  // The account document also carries `processing` (restriction and objections since when, PRIV-4), `consents` (where
  // each consent stands, PRIV-6) and `closure` (PRIV-8); the history of consents is its own type below.
  {
    type: 'consent-event',
    container: 'accounts',
    description:
      'One consent given or withdrawn (newsletter, product research): purpose, given or withdrawn, text version, channel, time, who acted.',
    personalData: ['marketing', 'privacy-settings'],
    purpose: 'Show what the person agreed to and withdrew, when and how (PRIV-6, MKT-1): the proof a consent was given.',
    // GDPR 7(1): the controller must be able to demonstrate consent.
    lawfulBasis: 'legal-obligation',
    retention: { kind: 'event', event: 'account-closed', requirement: 'RET-2' },
    subjectField: 'accountId',
    find: { partitions: 'subject' },
    export: { omit: [] },
    erasure: 'delete',
    requirements: ['PRIV-6', 'MKT-1', 'RET-5'],
  },
  {
    type: 'processing-event',
    container: 'accounts',
    description:
      'One change of restriction or objections (PRIV-4): what began or was lifted, time, who acted (the person or their confirmed parent), channel.',
    personalData: ['privacy-settings'],
    purpose: 'Show the person every change of their restriction and objections, when, by whom and how (PRIV-4).',
    // GDPR 5(2), 18, 21: the controller must be able to show when a restriction or an objection stood.
    lawfulBasis: 'legal-obligation',
    retention: { kind: 'event', event: 'account-closed', requirement: 'RET-2' },
    subjectField: 'accountId',
    find: { partitions: 'subject' },
    export: { omit: [] },
    erasure: 'delete',
    requirements: ['PRIV-4'],
  },
  {
    type: 'account-closure',
    container: 'jobs',
    description:
      'The account-closed event (id account-closure:<accountId>): when and by whom (the person or their school) an account was closed. Starts the retention rules that run from closure: RET-1 authentication data (logins, password hash, e-mail and personal-code indexes, sessions) goes at the closure itself (the request ends every session and sign-in at once; the closure queue removes the rest and writes this event last, closedAt being the time of the request); RET-2 account and teaching data, RET-4 learning outcomes and RET-7 identifiable usage events are kept 5 years from closedAt; RET-5 marketing data goes with the consents. The erasure pipeline (issue 13) works from it.',
    personalData: ['identification'],
    purpose: 'Carry out closure and the erasure and retention rules that follow it (PRIV-8, PRIV-3).',
    lawfulBasis: 'legal-obligation',
    retention: { kind: 'event', event: 'erasure-completed', requirement: 'PRIV-3' },
    subjectField: 'accountId',
    find: { partitions: 'subject' },
    export: { omit: [] },
    erasure: 'delete',
    requirements: ['PRIV-8', 'PRIV-3', 'RET-1', 'RET-2', 'RET-4', 'RET-5', 'RET-7'],
  },
  // --- end p-consent ---
  // p-export (PRIV-2): the export job of issue 12.
  {
    type: 'privacy-export',
    container: 'jobs',
    description:
      "A person's data export (PRIV-2): who asked (the person, a parent, staff) and for whom, the request it fulfils, state, progress (document types and files done), the zip's blob name and size, when it was ready and until when it can be downloaded.",
    personalData: ['authentication'],
    purpose: 'Give the person a copy of their data and show how far the job has come (PRIV-2).',
    lawfulBasis: 'legal-obligation',
    // The zip can be downloaded 7 days; the job record stays 30 days as the evidence that the request was answered.
    retention: { kind: 'fixed', days: 30, requirement: 'PRIV-2' },
    subjectField: ['accountId', 'requestedBy'],
    find: { partitions: 'subject' },
    export: { omit: ['blobName'] },
    erasure: 'delete',
    requirements: ['PRIV-2'],
  },
  {
    type: 'holdings-counts',
    container: 'jobs',
    description:
      "How many documents of each registry type are held about the person and when they were counted (PRIV-1's what-we-hold view; counted by the queue, read in one point read).",
    personalData: ['privacy-settings'],
    purpose: 'Show the person what the platform holds about them (PRIV-1) without counting on every view.',
    lawfulBasis: 'legal-obligation',
    // Recounted after 10 minutes when viewed; an unviewed count goes after a day.
    retention: { kind: 'fixed', days: 1, requirement: 'PRIV-1' },
    subjectField: 'accountId',
    find: { partitions: 'subject' },
    export: { omit: [] },
    erasure: 'delete',
    requirements: ['PRIV-1'],
  },
  // p-requests (issue 12, PRIV-7): data-subject requests and their two projections, all in `jobs`.
  {
    type: 'rights-request',
    container: 'jobs',
    description:
      "A data-subject request (PRIV-7), under the subject's account id: type, the subject's name at the time, what was asked (free text, and the objections or consent purposes it covers), who asked and in which capacity (with the reply address), identity verification, the controller (platform or school), received and due dates, extension with reason, the school's decision, completion note, reminders and escalation, every state change with who, when and why.",
    personalData: ['identification', 'contact'],
    purpose: 'Answer data-subject requests within 30 days and show how each was answered (PRIV-7).',
    lawfulBasis: 'legal-obligation',
    // GDPR 5(2) accountability: the record of how a request was answered outlives the answer; 3 years from its last change.
    retention: { kind: 'fixed', days: 3 * 365 + 1, requirement: 'PRIV-7' },
    subjectField: ['accountId', 'requester.accountId'],
    // A parent's requests about a child are under the child: the parent's export finds them there.
    find: { partitions: 'subject-and-children' },
    export: { omit: [] },
    // Kept for its term even after erasure: it is the evidence that the erasure request itself was answered.
    erasure: 'legal-hold',
    requirements: ['PRIV-7'],
  },
  {
    type: 'rights-queue-entry',
    container: 'jobs',
    description:
      "The privacy officer's queue entry of an open request (partition rights-queue, id per subject and request type): request id, subject account id, type, state, school, received and due dates, escalation; deleted when the request closes.",
    personalData: ['identification'],
    purpose: "The privacy officer's queue by due date, and one open request of a type per person (PRIV-7).",
    lawfulBasis: 'legal-obligation',
    retention: { kind: 'fixed', days: 400, requirement: 'PRIV-7' },
    subjectField: 'subjectAccountId',
    find: { partitions: 'none', reason: "A projection of the subject's rights-request (partition rights-queue), which the export holds whole." },
    export: { omit: [] },
    erasure: 'delete',
    requirements: ['PRIV-7'],
  },
  {
    type: 'rights-school-entry',
    container: 'jobs',
    description:
      "A request forwarded to a school, in its list (partition rights-school:<schoolId>): request id, the student's account id and name, type, what was asked and in which capacity, state, dates.",
    personalData: ['identification'],
    purpose: "Let the school, as controller of its students' school data, see and decide the requests forwarded to it (PRIV-7).",
    lawfulBasis: 'legal-obligation',
    retention: { kind: 'fixed', days: 3 * 365 + 1, requirement: 'PRIV-7' },
    subjectField: 'subjectAccountId',
    find: { partitions: 'none', reason: "A projection of the subject's rights-request into the school's list, which the export holds whole." },
    export: { omit: [] },
    erasure: 'delete',
    requirements: ['PRIV-7'],
  },
  // --- e-retention (issue 13 items 3-5: RET-9, resumable retention jobs) ---
  {
    type: 'job',
    container: 'jobs',
    description:
      "A resumable job of a timer (retention, licence expiry, payment reconciliation, request follow-up), one per job and period (id job:<name>:<period>, partition system; frequent sweeps keep one under period 'sweep'): state, checkpoint (a query continuation or the last id done), pages done, counts, times. Operators see the progress.",
    personalData: [],
    purpose: 'Run retention timers once per period, resume them where they stopped, and show operators that they ran.',
    lawfulBasis: 'legitimate-interest',
    retention: { kind: 'fixed', days: 400, requirement: 'RET-6' },
    requirements: ['RET-6', 'RET-9'],
  },
  // --- end e-retention ---
  // --- marketing (issue 15: MKT-1, MKT-2, RET-5) ---
  {
    type: 'mailing',
    container: 'jobs',
    description:
      'A newsletter or offer (marketing) or a service message (category change, fault, new-service or terms), partition system: its et/fi/en subject and text, audience (country, roles, school), state, and the operator staff who wrote, sent and reviewed it. Progress is its job document.',
    personalData: [],
    purpose:
      'Send newsletters to people who consented (MKT-1) and service messages to users (MKT-2), and show what was sent to whom in general terms.',
    lawfulBasis: 'legitimate-interest',
    retention: { kind: 'fixed', days: 3 * 365, requirement: 'MKT-1' },
    requirements: ['MKT-1', 'MKT-2'],
  },
  {
    type: 'mailing-delivery',
    container: 'accounts',
    description:
      "That one mailing went to this person (id mailing-delivery:<mailingId>, in the person's partition): mailing id, kind, time. No name and no e-mail address: those are read from the account at sending and kept nowhere else (RET-5).",
    personalData: ['marketing'],
    purpose: 'Mail nobody twice for the same mailing, when a send is repeated or resumed (MKT-1, MKT-2).',
    lawfulBasis: 'legitimate-interest',
    // Long enough for any resumed or repeated run of a mailing (its queue messages live 7 days).
    retention: { kind: 'fixed', days: 30, requirement: 'RET-5' },
    subjectField: 'accountId',
    find: { partitions: 'subject' },
    export: { omit: [] },
    erasure: 'delete',
    requirements: ['MKT-1', 'MKT-2', 'RET-5'],
  },
  {
    type: 'email-suppression',
    container: 'jobs',
    description:
      'An address SendGrid reported as bounced, dropped, reported as spam or unsubscribed, or the address of a person erased (PRIV-3, lifted when a new sign-up verifies it) (partition email-suppressions): only a keyed hash (HMAC-SHA256 under the unsubscribe keys) of the normalised address, the reason and time; never the address.',
    personalData: ['contact'],
    purpose: 'Mail nobody against their will or to an address that does not work (MKT-1, MKT-2): no mailing goes to a suppressed address.',
    lawfulBasis: 'legitimate-interest',
    // Renewed by every later event about the address; an address dead or unwilling for 3 years may be tried again.
    retention: { kind: 'fixed', days: 3 * 365, requirement: 'MKT-1' },
    subjectField: 'accountId',
    find: { partitions: 'none', reason: 'Keyed only by a keyed hash of an address (partition email-suppressions); no account is named.' },
    export: { omit: ['id', 'addressHash'] },
    erasure: 'delete',
    requirements: ['MKT-1', 'MKT-2'],
  },
  // --- end marketing ---
  // --- e-erasure (issue 13 item 1, PRIV-3) ---
  {
    type: 'erasure-job',
    container: 'jobs',
    description:
      "An erasure in progress (id erasure:<accountId>:<reason>, under the subject's account id): the partitions to work through (which name the person's login index ids) and the counts of what they held, written once before anything is changed. Deleted when the erasure's evidence is written.",
    personalData: ['identification', 'authentication'],
    purpose: 'Resume a killed erasure where it stopped, with nothing missed and nothing counted twice (PRIV-3).',
    lawfulBasis: 'legal-obligation',
    // Lives only while the erasure runs; a run that never finishes still leaves within the period.
    retention: { kind: 'fixed', days: 30, requirement: 'PRIV-3' },
    subjectField: 'accountId',
    find: { partitions: 'subject' },
    export: { omit: ['plan'] },
    erasure: 'delete',
    requirements: ['PRIV-3'],
  },
  {
    type: 'erasure-evidence',
    container: 'jobs',
    description:
      'That an erasure happened (partition erasure-evidence, id per keyed hash of the account id and reason): the keyed hash and its key id, the reason, start and end, counts per document type deleted, anonymised and held, files deleted, and the holds with their ends. No name, address, code or account id.',
    personalData: [],
    purpose: 'Show that an erasure was carried out, and what was kept and until when (PRIV-3, GDPR 5(2) accountability).',
    lawfulBasis: 'legal-obligation',
    retention: { kind: 'fixed', days: 3 * 365 + 1, requirement: 'PRIV-3' },
    requirements: ['PRIV-3'],
  },
  // --- end e-erasure ---
];

export const dataRegistry: DataRegistry = { database: 'opiq', containers: [...containers], documentTypes };

/** Problems that make a registry unusable; the tests assert the real one has none. */
export function validateRegistry(registry: DataRegistry): string[] {
  const problems: string[] = [];
  const containerNames = new Set<string>();
  for (const c of registry.containers) {
    if (containerNames.has(c.name)) problems.push(`container ${c.name} is declared twice`);
    containerNames.add(c.name);
    if (!/^\/[A-Za-z][A-Za-z0-9]*$/.test(c.partitionKeyPath)) problems.push(`container ${c.name} has an invalid partition key path`);
  }
  const types = new Set<string>();
  for (const t of registry.documentTypes) {
    const where = `document type ${t.type}`;
    if (types.has(t.type)) problems.push(`${where} is declared twice`);
    types.add(t.type);
    if (!containerNames.has(t.container)) problems.push(`${where} names unknown container ${t.container}`);
    if (!t.purpose.trim()) problems.push(`${where} has no purpose`);
    if (t.requirements.length === 0) problems.push(`${where} names no requirement`);
    if (t.retention.kind === 'fixed' && !(t.retention.days > 0)) problems.push(`${where} has a fixed retention without days`);
    if (t.personalData.length > 0) {
      if (!t.export) problems.push(`${where} holds personal data (${t.personalData.join(', ')}) but has no export step`);
      if (!t.erasure) problems.push(`${where} holds personal data (${t.personalData.join(', ')}) but has no erasure step`);
      if (!t.subjectField) problems.push(`${where} holds personal data but names no subject field`);
      if (!t.find) problems.push(`${where} holds personal data but says not where a subject's documents are (find)`);
      if (t.find?.partitions === 'none' && !t.find.reason.trim()) problems.push(`${where} cannot be found per subject and says not why`);
      if (t.retention.kind === 'indefinite') problems.push(`${where} holds personal data but is kept indefinitely`);
      if (t.blobs && t.blobs.container !== USER_FILES_CONTAINER) problems.push(`${where} names unknown blob container ${t.blobs.container}`);
      if (t.erasure === 'legal-hold' && t.retention.kind !== 'accounting' && t.retention.kind !== 'fixed')
        problems.push(`${where} is under legal hold without a fixed or accounting retention that ends it`);
      problems.push(...anonymisationProblems(registry, t));
    }
  }
  for (const name of containerNames)
    if (!registry.documentTypes.some((t) => t.container === name)) problems.push(`container ${name} holds no declared document type`);
  return problems;
}

/** PRIV-3: an anonymised type says where the subject is (every subject field covered) and never changes its partition key. */
function anonymisationProblems(registry: DataRegistry, t: DocumentTypeSpec): string[] {
  const where = `document type ${t.type}`;
  if (t.erasure !== 'anonymise') return t.anonymise ? [`${where} lists fields to anonymise but is not anonymised`] : [];
  if (!t.anonymise?.length) return [`${where} is anonymised but does not say which fields (anonymise)`];
  const problems: string[] = [];
  const covered = new Set(t.anonymise.flatMap((entry) => (entry.endsWith('[]') ? [entry] : [entry.split('@')[0]!])));
  for (const path of [t.subjectField ?? []].flat()) {
    const list = path.includes('[].') ? `${path.split('[].')[0]}[]` : undefined;
    if (!covered.has(path) && !(list && covered.has(list))) problems.push(`${where} does not anonymise its subject field ${path}`);
  }
  const pkField = registry.containers.find((c) => c.name === t.container)?.partitionKeyPath.slice(1);
  if (pkField && covered.has(pkField)) problems.push(`${where} would anonymise its partition key ${pkField}`);
  return problems;
}

const typesByKey = new Map(documentTypes.map((t) => [`${t.container}/${t.type}`, t]));

export function documentTypeSpec(container: string, type: unknown): DocumentTypeSpec | undefined {
  return typeof type === 'string' ? typesByKey.get(`${container}/${type}`) : undefined;
}

export function containerSpec(name: string): ContainerSpec {
  const spec = dataRegistry.containers.find((c) => c.name === name);
  if (!spec) throw new Error(`Container ${name} is not in the data registry`);
  return spec;
}

/** What the Cosmos adapter needs of the registry; the composition passes it to createDatabase. */
export const storageRules: StorageRules = {
  partitionKeyPath: (container) => containerSpec(container).partitionKeyPath,
  documentType(container, type) {
    const spec = documentTypeSpec(container, type);
    return spec && { ttlOnWrite: (now, explicitTtl) => ttlOnWrite(spec, now, explicitTtl) };
  },
};

/** Per-item TTLs only work when the container has TTL switched on (-1: on, no default expiry). */
/**
 * The indexing policy of a container with paths left out: everything else indexed, consistently (Cosmos's default
 * policy otherwise). infra/modules/cosmos.bicep builds the same from infra/containers.json.
 */
export function indexingPolicyOf(excludedPaths: readonly string[]) {
  return {
    indexingMode: 'consistent' as const,
    automatic: true,
    includedPaths: [{ path: '/*' }],
    excludedPaths: [...excludedPaths.map((path) => ({ path })), { path: '/"_etag"/?' }],
  };
}

export function containerUsesTtl(registry: DataRegistry, name: string): boolean {
  return registry.documentTypes.some((t) => t.container === name && t.retention.kind !== 'indefinite');
}

const DAY = 86_400;

/**
 * The `ttl` (seconds) a document gets when written, from its retention rule. Event-driven rules keep whatever ttl
 * the code or a sweep set (undefined = none yet).
 */
export function ttlOnWrite(spec: DocumentTypeSpec, now: Date, explicitTtl: number | undefined): number | undefined {
  switch (spec.retention.kind) {
    case 'fixed':
      return spec.retention.days * DAY;
    case 'accounting': {
      // Until the end of the financial (calendar) year in which the record is made, plus 7 full years.
      const end = Date.UTC(now.getUTCFullYear() + 8, 0, 1);
      return Math.ceil((end - now.getTime()) / 1000);
    }
    case 'event':
      return explicitTtl;
    case 'indefinite':
      return undefined;
  }
}

/** The generated infra/containers.json: what Bicep loads with loadJsonContent. */
export function infraContainers(registry: DataRegistry = dataRegistry) {
  return {
    database: registry.database,
    containers: registry.containers.map((c) => ({
      name: c.name,
      partitionKeyPath: c.partitionKeyPath,
      ...(containerUsesTtl(registry, c.name) ? { defaultTtl: -1 } : {}),
      ...(c.excludedPaths ? { excludedPaths: c.excludedPaths } : {}),
    })),
  };
}
