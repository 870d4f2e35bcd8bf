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
}

export const ROUTE_BUDGETS: Record<string, RouteBudget> = {
  // --- p-consent (PRIV-4, PRIV-6, PRIV-8) ---
  // A closure with a password costs 4 (issue 11; was 8, then 6): the authentication read, the password checked like a
  // sign-in (AUTH-2: the login index, which holds the name's failure count; the name + IP bucket reserved by one create
  // in the account's partition before the password is verified, which caps parallel guesses, and left to lapse after
  // the success because the account closes), and the one account write (the rest is queued). The IP slow-down is not
  // read: the caller holds a session of this one account (throttle.ts `signedIn`). A wrong password costs 7 for a first
  // guess from an address (as before) and 6 for the next (was 9, then 8: the reservation one conditional patch on the
  // bucket the login names as its last failure's; test/privacy-closure-gaps.e2e.test.ts): no account
  // write, but the reservation settled and the name's and the IP's counts raised (the IP's by one conditional patch,
  // plus a create when the address has no bucket), or the route would let a thief guess without limit. Without a
  // password (a recent sign-in) it is 3.
  'accounts-close': { queued: ['account-closure'] },

  'children-processing-get': {},
  'children-processing-history': {},
  'children-processing-update': {},
  'children-consents-list': {},
  'children-consents-set': {},
  'consents-history': {},
  'consents-list': {},
  'consents-set': {},
  'consents-unsubscribe': {},
  'consents-unsubscribe-page': {},
  'privacy-processing-get': {},
  'privacy-processing-history': {},
  'privacy-processing-update': {},
  'schools-members-close': { queued: ['account-closure'] },
  // --- end p-consent ---
  'accounts-audit-list': {},
  // The account authentication read only, however many children: the entries carry the names (issue 11; was 1 + 1 per child).
  'accounts-children-list': {},
  // A parent asks by the child's personal code: the request counted on the parent's own account, as the authentication
  // read it, before anyone is looked up (one conditional patch, or one ETag-checked replace when the window starts,
  // ends or locks: issue 11; the rate-limit bucket of its own cost a failed create and a patch once it existed), the
  // code index, the child's account, the link document (the open-link query only when its id is taken): 5 (was 7,
  // then 6). A parent's first request in a school the account does not name yet also notes that school on the account
  // (PRIV-2: the export and erasure find the pending request there), written from the count's write: 6 for that one
  // (test/link-request-cost.e2e.test.ts).
  'accounts-children-request': { queued: ['email-outbound'] },
  'accounts-login-log': {},
  'accounts-logins-list': {},
  'accounts-logins-unlink': { queued: ['email-outbound'] },
  'accounts-sessions-list': {},
  'accounts-sessions-end': {},
  'accounts-sessions-end-others': {},
  'accounts-me': {},
  'accounts-parents-list': {},
  // Counted on the student's account like a parent's request (one count per person for both directions).
  'accounts-parents-request': { queued: ['email-outbound'] },
  // 5 (issue 11; was 14, then 9, 8, 6): the authentication read; the current password checked like a sign-in (AUTH-2:
  // the login index, which holds the name's failure count; the name + IP bucket reserved by one create in the account's
  // partition before the password is verified, left to lapse after the success because the new password's version
  // keys a fresh bucket; the IP slow-down not read, the caller holds a session of this one account); the login written
  // with the new hash from the read that checked it; every other session ended by one write of the account's list
  // (from the authentication read, in one transactional batch with the login-log entry; the session documents follow
  // queued; the account is written under its ETag even when no other session was open, the probe's case, so a sign-in
  // listed since the authentication read refuses the batch and is ended). A wrong current password
  // costs 7 for a first guess from an address (as before), 6 for the next (was 9, then 8; the reservation one
  // conditional patch): the reservation settled, the name's and the IP's counts raised. The right one after such
  // guesses costs 5 (was 8, then 6): the bucket (its failures) is removed, or replaced keeping another attempt in
  // flight, inside the transactional batch of the login-log entry (test/auth-password-budget.e2e.test.ts).
  'accounts-password-change': { queued: ['email-outbound', 'session-revocations'] },

  'accounts-preferences-update': {},
  'accounts-privacy-get': {},
  'accounts-privacy-update': {},
  // A rename's copies (memberships, the linked parents' or children's family entries) are queued.
  'accounts-profile-update': { queued: ['member-name-copies'] },
  'auth-callback': {},
  'auth-link': {},
  'auth-login': {},
  'auth-logout': {},
  // 5 (issue 11; was 11, then 10, 7, 6): the login index (which holds the name's failure count); the name + IP bucket
  // reserved by one create before the password is verified (AUTH-2: it caps parallel guesses), for a known name in its
  // account's partition (`sign-in-throttle`); the IP bucket read (its slow-down); the account; one transactional batch
  // of the account's partition: the session document, its entry on the account, the login-log entry and the bucket's
  // removal (ETag-checked; when another attempt changed the bucket, the batch goes again without it and the bucket is
  // settled apart). The right password right after a mistyped one from the same address costs 5 too (was 8): the login
  // names that bucket as its last failure's, so the reservation is one conditional patch on it, and the success empties
  // it in the batch (kept for the next sign-in's patch: 5 again, was 7). A wrong password costs 7 (was 8): the
  // failure counted in the bucket and its login-log entry (AUTH-4) are one transactional batch of the account's
  // partition, so a known name writes as often as an unknown one; a second one from the same address 7 (was 10,
  // then 8) (test/auth-password-budget.e2e.test.ts, test/auth-hardening.e2e.test.ts).
  'auth-password-login': {},

  'auth-password-reset': { queued: ['email-outbound', 'session-revocations'] },

  'auth-password-reset-request': { queued: ['email-outbound'] },
  'auth-password-signup': { queued: ['email-outbound'] },
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
  'invitations-accept': { queued: ['school-entitlements', 'email-outbound'] },
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
  // LOG-1 (i14-events): the read that authenticates (when signed in), the rate window (read, write), and (ev-guard) the
  // licence check of the works the batch names: a point read each for one or two, one query past two (at most 5).
  'events-post': { queued: ['usage-events'] },
  // STAT-1 (i14-stats): authentication and the municipality's usage partition (one query: the months' roll-up and
  // distinct-people cells and the schools' enrolment snapshots), whatever the number of schools (20 tested).
  'stats-municipality': {},
  'stats-municipality-csv': {},
  // STAT-2 (i14-stats): authentication and the publisher's usage partition (one query, all months).
  'stats-publisher': {},
  'stats-publisher-csv': {},
  // STAT-2 (i14-stats): the ministry's export, operator staff only: two cross-partition queries (every publisher's and
  // every municipality's aggregates for the months asked).
  'stats-national': { staff: true },
  'stats-national-csv': { staff: true },
  'content-drafts-chapter-save': {},
  'content-drafts-get': {},
  'content-drafts-save': {},
  'content-search': { queued: ['usage-events'] },
  'content-version-get': {},
  'content-works-create': {},
  'content-works-get': {},
  'content-works-open': {},
  'content-works-publish': {},
  // GPT-1: the session read, the entitlements query, the school's switch (students), the usage bucket's read and write.
  'assistant-messages-send': {},
  'assistant-reports-create': {},
  'assistant-terms-get': {},
  'schools-assistant-update': {},
  'schools-mpassid-update': {},
  'licences-access': {},
  'licences-list': {},
  'openapi-get': {},
  // The subject's account and cases; the ACL-7 staff-access record queued before the data goes (was 4, written here).
  'ops-accounts-get': { staff: true, queued: ['staff-access-records'] },
  'ops-accounts-reinstate': { staff: true, queued: ['email-outbound'] },
  'ops-accounts-suspend': { staff: true, queued: ['email-outbound', 'session-revocations'] },
  'ops-invoices-record-payment': { staff: true },
  'ops-orders-cancel': { staff: true, queued: ['store-licence-endings', 'staff-access-records'] },
  'ops-orders-flag-resolve': { staff: true, queued: ['staff-access-records'] },
  'ops-orders-flagged': { staff: true },
  'ops-support-list': { staff: true, queued: ['staff-access-records'] },
  'ops-support-reply': { staff: true, queued: ['email-outbound', 'staff-access-records'] },
  'ops-works-withdraw': { staff: true, queued: ['store-licence-endings'] },
  'ops-works-withdraw-cancel': { staff: true },
  'payments-methods': {},
  'payments-notify': { queued: ['payments-process', 'email-outbound'] },
  'payments-return': { queued: ['payments-process'] },
  // p-requests (issue 12, PRIV-7, PRIV-1): data-subject requests and the what-we-hold view.
  // The read that authenticates and the kept counts (one point read); when they are missing or over 10 minutes old the
  // count is queued and the view says `preparing` (issue 11; was 10, and 11 for a parent's child, counting in the request).
  'rights-me-data': { queued: ['holdings-counts'] },
  'rights-children-data': { queued: ['holdings-counts'] },
  'rights-me-create': { queued: ['email-outbound', 'rights-fulfilment'] },
  'rights-me-list': {},
  'rights-me-get': {},
  // The request (read, write under its ETag); the officer's queue entry (deleted only while it still names this request,
  // under its ETag) and the school's list entry queued. Was 6, then 5. A parent withdrawing for a child: the access
  // check's read of the child's account too (4; was 7, then 6).
  'rights-me-cancel': { queued: ['email-outbound', 'rights-projections'] },
  'rights-children-create': { queued: ['email-outbound', 'rights-fulfilment'] },
  'rights-children-list': {},
  'rights-children-cancel': { queued: ['email-outbound', 'rights-projections'] },
  'rights-school-list': {},
  'rights-school-create': { queued: ['email-outbound', 'rights-fulfilment'] },
  'rights-school-decide': { queued: ['email-outbound', 'rights-fulfilment'] },
  'rights-ops-queue': { staff: true },
  'ops-jobs-list': { staff: true }, // e-retention
  'ops-erasures-get': { staff: true }, // PRIV-3
  'ops-erasures-find': { staff: true }, // PRIV-3
  'ops-assistant-reports-list': { staff: true },
  // MKT-1, MKT-2 (issue 15)
  'ops-mailings-create': { staff: true },
  'ops-mailings-get': { staff: true },
  // One cross-partition query per 1000 accounts of the mailing's country (operator staff only; the probe's is one).
  'ops-mailings-audience': { staff: true },
  'ops-mailings-send': { staff: true, queued: ['mailings'] },
  // One write per suppressed address of the delivery (SendGrid batches them), three per withdrawn consent; refused in
  // the probe, measured on one event in test/marketing.e2e.test.ts.
  'webhooks-sendgrid': { queued: ['sendgrid-events'] },
  'rights-ops-create': { staff: true },
  'rights-ops-get': { staff: true },
  'rights-ops-transition': { staff: true, queued: ['email-outbound', 'rights-fulfilment'] },
  'rights-ops-extend': { staff: true, queued: ['email-outbound'] },
  'rights-ops-complete': { staff: true, queued: ['email-outbound'] },
  'schools-get': {},
  'schools-invitations-confirm-claim': {},
  'schools-invitations-create': { queued: ['email-outbound'] },
  'schools-invitations-list': {},
  'schools-invitations-revoke': {},
  // ACC-4 at once: the role's memberships (query) ended (a write each), the account and its entitlements with school
  // periods in one query, then the role summary and the school licence periods the role gave written together in one
  // transactional batch of the account's partition (ETag-checked; a batch that meets a change writes nothing and they
  // are written one by one). 5 for the probe's student (was 7, then 6); N works touched: ceil((N + 1) / 100) batches
  // (150 works: 6; the query pages 1,000). The member sync is queued.
  'schools-members-end': { queued: ['school-entitlements'] },
  'schools-members-get': {},
  'schools-members-list': {},
  'schools-cases-comment': {},
  'schools-cases-list': {},
  'schools-code-links-confirm': {},
  'schools-code-links-list': {},
  'schools-code-links-refuse': {},
  // The link, the school and the child's student membership in one query, the parent's account (read to check it is
  // open, then its entry written from that read), the link written; the child's side queued (ACL-5 grants once both
  // name each other: the access starts moments later) and the e-mail. Was 8. Confirming a confirmed link again (409)
  // brings the accounts in line first: 4 when they are.
  'schools-parent-links-confirm': { queued: ['email-outbound', 'family-link-confirmations'] },
  // The link (read, write) and both accounts marked ended by one patch each, no read (the access and both family lists
  // end at once, ACL-5); the entries queued. 5 for a party and for the school's administrator alike (was 6, then 4
  // with the other side left to the queue, which the family lists then had to read to honour).
  'schools-parent-links-end': { queued: ['family-link-endings'] },
  'schools-parent-links-list': {},
  'schools-parent-links-refuse': { queued: ['email-outbound'] },
  // A rename: the student's account read once (its school roles are the student check, and the rectification starts
  // from it) and written, the change record (ACC-5); the name copies queued. Was 7. A personal-code change adds the
  // rate-limit bucket and the code index (claimed, the old one released).
  'schools-students-rectify': { queued: ['email-outbound', 'member-name-copies'] },
  // Card checkout 5 (was 10, then 8): authentication 1, the package 1 (it carries copies of its works'
  // titles and statuses, written with every change of a work's status: no read of the works), the order created and
  // counted against the per-person order limit in one transactional batch 1 (a conditional patch of the buyer's counter
  // beside the create; a person's first order, or the first after a year without one, creates the counter: one failed
  // batch more, 6), then moved to pending-payment with its Maksekeskus transaction 1, the transaction index 1.
  // A package whose copies are missing or not all `distributed` has its works read (1 or 2 more).
  'store-orders-create': { queued: ['email-outbound'] },
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
  // p-export (PRIV-2): the export job is the queue's (privacy-exports-run); the routes read or create one job document.
  'privacy-exports-create': { queued: ['privacy-exports'] },
  'privacy-exports-get': {},
  'privacy-exports-child-get': {},
  'privacy-exports-download': {},
};

/** User-facing routes allowed a cross-partition query (none). */
export const USER_FACING_CROSS_PARTITION_QUERIES: ReadonlySet<string> = new Set<string>();

export function budgetOf(name: string, methods: readonly HttpMethod[] | readonly string[]): RouteBudget & { max: number } {
  const budget = ROUTE_BUDGETS[name] ?? {};
  const reads = methods.every((m) => m === 'GET' || m === 'HEAD');
  return { ...budget, max: reads ? GET_BUDGET : WRITE_BUDGET };
}
