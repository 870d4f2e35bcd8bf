/**
 * The Cosmos budget of every HTTP route (issue 11, DESIGN.md section 4), by function name, beside the route table.
 * Counted as requests that reach Cosmos (point reads, writes, queries; query plans and other metadata are counted
 * apart): GET routes at most 3 including the one read that authenticates, writes at most 5.
 * Work a route leaves to queue functions is not counted here; `queued` lists it. A route that cannot keep its budget
 * yet says so in `exception`, with the count measured and why: test/route-budgets.e2e.test.ts holds every route to
 * this table, exceptions included (an exception that no longer exceeds the budget fails too).
 */
import type { HttpMethod } from '@azure/functions';

const GET_BUDGET = 3;
const WRITE_BUDGET = 5;

export interface RouteBudget {
  /** Operator staff only (not user-facing): cross-partition queries are allowed. */
  staff?: boolean;
  /** Queues the route hands work to (their operations are not counted in the route's). */
  queued?: string[];
  /** Over budget, on purpose or for now: the count measured and why. */
  exception?: { measured: number; reason: string };
  /**
   * Over budget for a large work only (stored per chapter, README "Large works"); the route's own probe uses a small
   * work and keeps the budget. Measured by test/content-large.e2e.test.ts, which fails when the count changes.
   */
  largeWork?: { measured: number; reason: string };
}

export const ROUTE_BUDGETS: Record<string, RouteBudget> = {
  // --- p-consent (PRIV-4, PRIV-6, PRIV-8) ---
  'accounts-close': {
    exception: {
      measured: 16,
      reason:
        'closing is rare and does everything at once (PRIV-8): the password checked like a sign-in (throttle bucket, login index), every login index released (read, delete), the account closed (read, write), the sessions ended (query, a write each), the closure event and the security log',
    },
  },
  'children-processing-get': {},
  'children-processing-update': {},
  'consents-history': {},
  'consents-list': {},
  'consents-set': {},
  'consents-unsubscribe': {},
  'privacy-processing-get': {},
  'privacy-processing-update': {},
  'schools-members-close': {
    exception: {
      measured: 12,
      reason:
        "as accounts-close without the password: the student's account, every login index released (read, delete each: password, personal code), the account closed, the sessions ended, the closure event and the security log",
    },
  },
  // --- end p-consent ---
  'accounts-audit-list': {},
  'accounts-children-list': {},
  'accounts-children-request': {
    queued: ['email-outbound'],
    exception: {
      measured: 7,
      reason:
        "a parent asks by the child's personal code: rate-limit bucket, code index, child's account, open links, the link document (e-mails queued); not yet reduced",
    },
  },
  'accounts-login-log': {},
  'accounts-logins-list': {},
  'accounts-logins-unlink': { queued: ['email-outbound'] },
  'accounts-sessions-list': {},
  'accounts-sessions-end': {},
  'accounts-sessions-end-others': {},
  'accounts-me': {},
  'accounts-parents-list': {},
  'accounts-parents-request': {
    queued: ['email-outbound'],
    exception: { measured: 7, reason: "as accounts-children-request, from the child's side by the parent's e-mail; not yet reduced" },
  },
  'accounts-password-change': {
    queued: ['email-outbound'],
    exception: {
      measured: 14,
      reason:
        "throttle buckets reserved before the password is checked (AUTH-2), the login index, every other session ended (the account's list, then one write per session document), the security log",
    },
  },
  'accounts-preferences-update': {},
  'accounts-privacy-get': {},
  'accounts-privacy-update': {},
  'accounts-profile-update': {},
  'auth-callback': {},
  'auth-link': {},
  'auth-login': {},
  'auth-logout': {
    exception: {
      measured: 6,
      reason:
        "public: the read that authenticates, the session document, the account's session list (read, write), the session document, the security log; the wrapper's account read is not passed down yet",
    },
  },
  'auth-password-login': {
    exception: {
      measured: 11,
      reason:
        'throttle buckets reserved before the password is checked (AUTH-2), the login index, the account, the new session (document and its entry on the account), the login log',
    },
  },
  'auth-password-reset': {
    queued: ['email-outbound'],
    exception: {
      measured: 13,
      reason:
        "the single-use token, the login index, the throttle, every session ended (the account's list and each session document), the login log; not yet reduced",
    },
  },
  'auth-password-reset-request': {
    queued: ['email-outbound'],
    exception: {
      measured: 7,
      reason: 'rate-limit buckets by IP and address and the reset record, the same work whether or not the address exists (AUTH-2)',
    },
  },
  'auth-password-signup': {
    queued: ['email-outbound'],
    exception: {
      measured: 9,
      reason: 'rate-limit buckets, login index, account and verification, the same work whether or not the address is taken (AUTH-2 timing)',
    },
  },
  'auth-password-verify': {},
  'auth-refresh': {},
  'auth-session': {},
  'catalog-list': {},
  'children-get': {},
  'children-privacy-get': {},
  'children-privacy-update': {},
  'docs-asset-get': {},
  'docs-get': {},
  'health-get': {},
  'http-not-found': {},
  'invitations-accept': {
    queued: ['email-outbound'],
    exception: { measured: 8, reason: "the invitation and the membership it creates, the account's role summary (read, write); not yet reduced" },
  },
  'journals-materials-content': {},
  'journals-materials-list': {},
  'materials-annotations-create': {},
  'materials-annotations-delete': {},
  'materials-annotations-list': {},
  'materials-annotations-update': {},
  'materials-content': {},
  'materials-delete': {},
  'materials-list': {},
  'materials-progress-get': {},
  'materials-progress-record': {},
  'materials-share': {},
  'materials-unshare': {},
  'materials-texts-get': {},
  'materials-texts-save': {},
  'materials-upload': {},
  'learning-answers-delete': {},
  'learning-answers-save': {},
  'learning-children-history': {},
  'learning-children-tasks': {},
  'learning-feedback-give': {},
  'learning-history-mine': {},
  'learning-journals-create': {},
  'learning-journals-get': {},
  'learning-journals-list': {},
  'learning-journals-stats': {},
  'learning-journals-update': {},
  'learning-tasks-answers-list': {},
  'learning-tasks-create': {},
  'learning-tasks-get': {},
  'learning-tasks-mine': {},
  'learning-children-stats': {},
  'learning-stats-mine': {},
  'learning-tasks-stats': {},
  'learning-tasks-teacher-get': {},
  'learning-tasks-update': {},
  'content-catalog-search': { queued: ['usage-events'] },
  'content-drafts-chapter-save': {},
  'content-drafts-get': {},
  'content-drafts-save': {},
  'content-search': {
    queued: ['usage-events'],
    largeWork: {
      measured: 4,
      reason: 'a split version: authentication, the licence, the version document, its chapters with their indexes (one query)',
    },
  },
  'content-version-get': {
    largeWork: {
      measured: 4,
      reason:
        'a split version: authentication, the licence, the version document (which names the chapter documents: their ids are content-addressed), then one chapter (a point read) or all (one query)',
    },
  },
  'content-works-create': {},
  'content-works-get': {},
  'content-works-open': {},
  'content-works-publish': {},
  'licences-access': {},
  'licences-list': {},
  'openapi-get': {},
  'ops-accounts-get': {
    staff: true,
    exception: { measured: 4, reason: "staff only: the subject's account and cases, and the ACL-7 staff-access record (a write)" },
  },
  'ops-accounts-reinstate': { staff: true, queued: ['email-outbound'] },
  'ops-accounts-suspend': {
    staff: true,
    queued: ['email-outbound'],
    exception: {
      measured: 9,
      reason:
        "staff only: the account, every session ended (query, the account's list, one write per session document), the schools' cases; e-mails queued",
    },
  },
  'ops-invoices-record-payment': { staff: true },
  'ops-orders-cancel': { staff: true, queued: ['store-licence-endings'] },
  'ops-orders-flag-resolve': { staff: true },
  'ops-orders-flagged': { staff: true },
  'ops-support-list': { staff: true },
  'ops-support-reply': { staff: true, queued: ['email-outbound'] },
  'ops-works-withdraw': { staff: true, queued: ['store-licence-endings'] },
  'ops-works-withdraw-cancel': { staff: true },
  'payments-methods': {},
  'payments-notify': { queued: ['payments-process', 'email-outbound'] },
  'payments-return': { queued: ['payments-process'] },
  // p-requests (issue 12, PRIV-7, PRIV-1): data-subject requests and the what-we-hold view.
  'rights-me-data': {},
  'rights-children-data': {},
  'rights-me-create': { queued: ['email-outbound'] },
  'rights-me-list': {},
  'rights-me-get': {},
  'rights-me-cancel': { queued: ['email-outbound'] },
  'rights-children-create': { queued: ['email-outbound'] },
  'rights-children-list': {},
  'rights-children-cancel': {
    queued: ['email-outbound'],
    exception: {
      measured: 6,
      reason:
        "the access check reads the child's account (a parent of a child under 18), then the request (read, write under its ETag) and its two projections (the officer's queue entry freed, the school's list entry)",
    },
  },
  'rights-school-list': {},
  'rights-school-create': { queued: ['email-outbound'] },
  'rights-school-decide': { queued: ['email-outbound'] },
  'rights-ops-queue': { staff: true },
  'rights-ops-create': { staff: true },
  'rights-ops-get': { staff: true },
  'rights-ops-transition': { staff: true, queued: ['email-outbound'] },
  'rights-ops-extend': { staff: true, queued: ['email-outbound'] },
  'rights-ops-complete': { staff: true, queued: ['email-outbound'] },
  'schools-get': {},
  'schools-invitations-confirm-claim': {},
  'schools-invitations-create': {
    queued: ['email-outbound'],
    exception: {
      measured: 6,
      reason:
        'the per-person invitation limit and the idempotency key (added by the faults branch, issue 9) on top of the invitation, its token index and the school checks; not analysed in this session',
    },
  },
  'schools-invitations-list': {},
  'schools-invitations-revoke': {},
  'schools-members-end': {
    queued: ['school-entitlements'],
    exception: {
      measured: 7,
      reason:
        "ACC-4 at once: besides the membership and the account's role summary, the school licence periods the role gave leave the person's entitlements in the request (one query of their entitlements, one write per work touched; the probe's 5.a student holds the demo licence); the rest is queued",
    },
  },
  'schools-members-get': {},
  'schools-members-list': {},
  'schools-cases-comment': {},
  'schools-cases-list': {},
  'schools-code-links-confirm': {},
  'schools-code-links-list': {},
  'schools-code-links-refuse': {},
  'schools-parent-links-confirm': {
    queued: ['email-outbound'],
    exception: {
      measured: 11,
      reason:
        "the link and both accounts' family summaries (read and write each), the link's status; not yet reduced (a queued step for the second account would)",
    },
  },
  'schools-parent-links-end': {
    queued: ['email-outbound'],
    exception: { measured: 8, reason: "the link and both accounts' family summaries (read and write each); not yet reduced" },
  },
  'schools-parent-links-list': {},
  'schools-parent-links-refuse': { queued: ['email-outbound'] },
  'schools-students-rectify': {
    queued: ['email-outbound'],
    exception: { measured: 6, reason: "the student's memberships (query), the account (read, write) and the personal-code indexes; not yet reduced" },
  },
  'store-orders-create': {
    queued: ['email-outbound'],
    exception: {
      measured: 10,
      reason:
        "checkout as reworked by the faults branch (idempotency key, order limit, invoice register, payment set-up): catalogue, buyer's account, the order and its records; not analysed in this session",
    },
  },
  'store-orders-get': {},
  'store-orders-list': {},
  'store-quote': {},
  'support-requests-create': { queued: ['email-outbound'] },
  'support-requests-list': {},
  'support-requests-message': {},
  'ops-accounts-roles': { staff: true },
  'ops-publishers-create': { staff: true },
  'ops-schools-create': { staff: true },
  'ops-schools-first-admin': { staff: true, queued: ['email-outbound'] },
  'ops-schools-update': { staff: true },
  'ops-school-licences-record': { staff: true, queued: ['school-entitlements'] },
  'ops-school-licences-change': { staff: true, queued: ['school-entitlements'] },
  'ops-school-licences-end': { staff: true, queued: ['school-entitlements'] },
  'ops-school-licences-list': { staff: true },
  'schools-licences-list': {},
  'schools-classes-create': {},
};

/** User-facing routes allowed a cross-partition query (none). */
export const USER_FACING_CROSS_PARTITION_QUERIES: ReadonlySet<string> = new Set<string>();

export function budgetOf(name: string, methods: readonly HttpMethod[] | readonly string[]): RouteBudget & { max: number } {
  const budget = ROUTE_BUDGETS[name] ?? {};
  const reads = methods.every((m) => m === 'GET' || m === 'HEAD');
  return { ...budget, max: reads ? GET_BUDGET : WRITE_BUDGET };
}
