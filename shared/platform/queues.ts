/**
 * The Service Bus queues the code uses, with the properties the code relies on. infra/queues.json is generated from
 * this list; the local bus applies the same delivery count and duplicate-detection window.
 */
export interface QueueSpec {
  description: string;
  /** Deliveries before the message is dead-lettered. */
  maxDeliveryCount: number;
  /** ISO 8601 durations, as Service Bus takes them. */
  lockDuration: string;
  duplicateDetectionWindow: string;
  messageTimeToLive: string;
}

export const queueSpecs = {
  mailings: {
    description:
      'Newsletters and service messages to send (MKT-1, MKT-2), message id mailing:<mailingId>: a resumable job mails the audience page by page; a delivery record per person and mailing makes a repeat or a resumed run mail nobody twice.',
    maxDeliveryCount: 10,
    lockDuration: 'PT5M',
    duplicateDetectionWindow: 'PT1H',
    messageTimeToLive: 'P7D',
  },
  'sendgrid-events': {
    description:
      "SendGrid's verified webhook events as work (MKT-1): addresses to suppress and accounts whose newsletter consent a spam report or unsubscribe withdraws, at most 200 each; message id sendgrid:<hash of the work>, so a retried delivery collapses; every step is idempotent.",
    maxDeliveryCount: 10,
    lockDuration: 'PT2M',
    duplicateDetectionWindow: 'PT1H',
    messageTimeToLive: 'P7D',
  },
  'email-outbound': {
    description:
      'E-mails to send: a failed SendGrid call is retried by redelivery instead of failing the request. Message id email:<idempotency key>: an hour of duplicate detection covers a step retried by the reconcile timers (an invoice checkout is finished 5 to 15 minutes after it stopped), so a mail queued before the write that records it is still sent once.',
    maxDeliveryCount: 10,
    lockDuration: 'PT1M',
    duplicateDetectionWindow: 'PT1H',
    messageTimeToLive: 'P14D',
  },
  'payments-process': {
    description:
      'Payment provider messages to process after they were stored (PAY-2): message id <transactionId>:<status>[:<generation>], so a repeated notification or the browser return racing it is dropped until a processing run starts (each run moves the generation on).',
    maxDeliveryCount: 10,
    lockDuration: 'PT1M',
    duplicateDetectionWindow: 'PT1H',
    messageTimeToLive: 'P7D',
  },
  'store-licence-endings': {
    description:
      'Order work that must not be lost or block a request: ending licences when a publisher stops a work, and the refunds (STORE-6, OPS-2).',
    maxDeliveryCount: 10,
    lockDuration: 'PT2M',
    duplicateDetectionWindow: 'PT1H',
    messageTimeToLive: 'P14D',
  },
  'usage-events': {
    description:
      'Usage events (LOG-1) on their way to the events and stats containers: front-end batches (message id usage-batch:<keyed hash of the caller and batch id>; the batch record drops a later repeat, the markers in the cells a late redelivery) and searches the server recorded (message id = event id), never with their text.',
    maxDeliveryCount: 10,
    lockDuration: 'PT1M',
    duplicateDetectionWindow: 'PT10M',
    messageTimeToLive: 'P7D',
  },
  'school-entitlements': {
    description:
      "School licences materialised into members' entitlements: a licence's fan-out per revision in batches (message id <licenceId>:<revision>[:<after>]), and one person's sync when a membership starts or ends.",
    maxDeliveryCount: 10,
    lockDuration: 'PT2M',
    duplicateDetectionWindow: 'PT1H',
    messageTimeToLive: 'P14D',
  },
  'session-revocations': {
    description:
      "Session documents to mark revoked after the account's list of active sessions dropped them (password change or reset, suspension, closure): the list already ended them at once; message id sessions:<accountId>:<reason>:<time>.",
    maxDeliveryCount: 10,
    lockDuration: 'PT1M',
    duplicateDetectionWindow: 'PT10M',
    messageTimeToLive: 'P14D',
  },
  'member-name-copies': {
    description:
      "A person's names and e-mail copied onto their active school memberships after a rectification (ACC-5), and their names onto the family entries of their linked parents' or children's accounts (the family lists read only those): read from the account when the message runs, each document written under its ETag (an ended membership stays ended); message id member-names:<accountId>:<updatedAt>.",
    maxDeliveryCount: 10,
    lockDuration: 'PT1M',
    duplicateDetectionWindow: 'PT10M',
    messageTimeToLive: 'P14D',
  },
  'staff-access-records': {
    description:
      "ACL-7: a staff member's look at a person's data through a route, recorded for the person (GET /api/me/audit): sent before the data is returned; the record's id is in the message, so a repeat finds its own create; message id staff-access:<uuid>.",
    maxDeliveryCount: 10,
    lockDuration: 'PT1M',
    duplicateDetectionWindow: 'PT10M',
    messageTimeToLive: 'P14D',
  },
  'family-link-confirmations': {
    description:
      "The child's side of a parent link the school confirmed (ACC-3): the request wrote the parent's side; ACL-5 grants once both accounts name each other, so the access starts when this has run; both accounts brought in line with the link as it is then (a link no longer confirmed changes nothing); message id family-link-confirmation:<linkId>.",
    maxDeliveryCount: 10,
    lockDuration: 'PT1M',
    duplicateDetectionWindow: 'PT10M',
    messageTimeToLive: 'P14D',
  },
  'family-link-endings': {
    description:
      'The entries of an ended parent link taken off both accounts (ACC-3): the request marked the link ended on both, which already ends the access and leaves it out of both family lists (ACL-5); message id family-link-ending:<linkId>; removing an entry and mark already gone changes nothing.',
    maxDeliveryCount: 10,
    lockDuration: 'PT1M',
    duplicateDetectionWindow: 'PT10M',
    messageTimeToLive: 'P14D',
  },
  // p-consent (PRIV-8)
  'account-closure': {
    description:
      'The rest of an account closure (PRIV-8, RET-1) after the request closed the account: login indexes with the password hash, session documents, the security log, the account-closure event; message id account-closure:<accountId>.',
    maxDeliveryCount: 10,
    lockDuration: 'PT1M',
    duplicateDetectionWindow: 'PT10M',
    messageTimeToLive: 'P14D',
  },
  'rights-fulfilment': {
    description:
      'Data-subject requests that reached processing, to their fulfiller (PRIV-7: restriction, objection, consent withdrawal, account closure): message id from the request id; the fulfillers are idempotent and a done request is left alone.',
    maxDeliveryCount: 10,
    lockDuration: 'PT2M',
    duplicateDetectionWindow: 'PT1H',
    messageTimeToLive: 'P14D',
  },
  'rights-projections': {
    description:
      "The officer's queue entry and the school's list entry of a data-subject request the requester withdrew (PRIV-7): from the request as it is when the message runs (the queue entry goes only while it still names this request, under its ETag; a new request may have taken the slot over); message id rights-projection:<requestId>:<updatedAt>.",
    maxDeliveryCount: 10,
    lockDuration: 'PT1M',
    duplicateDetectionWindow: 'PT10M',
    messageTimeToLive: 'P14D',
  },
  'holdings-counts': {
    description:
      "PRIV-1's counts of what is held about a person (every type, as the export finds them), made for the what-we-hold view when its kept count is missing or older than 10 minutes; message id holdings-counts:<accountId>:<countedAt of the count it replaces>; a count made after the request answers it.",
    maxDeliveryCount: 5,
    lockDuration: 'PT1M',
    duplicateDetectionWindow: 'PT10M',
    messageTimeToLive: 'P1D',
  },
  'privacy-exports': {
    description:
      "Data exports to build (PRIV-2), message id privacy-export:<exportId>: a person's documents and files zipped into Blob Storage; a repeat after the zip is ready builds nothing.",
    maxDeliveryCount: 5,
    lockDuration: 'PT5M',
    duplicateDetectionWindow: 'PT1H',
    messageTimeToLive: 'P7D',
  },
  erasure: {
    description:
      "Erasures to carry out (PRIV-3), message id erasure:<accountId>:<reason>: a person's documents deleted, anonymised or held as the registry says, files deleted, checkpointed in jobs; a repeat after the evidence is written changes nothing.",
    maxDeliveryCount: 10,
    lockDuration: 'PT5M',
    duplicateDetectionWindow: 'PT1H',
    messageTimeToLive: 'P14D',
  },
  'learning-stats': {
    description:
      "An answer written or deleted (LRN-5): its task's statistics document follows the answer as stored, and a submitted answer counts once as a task done in the anonymous usage statistics (STAT-1, STAT-2) (idempotent: a repeat counts nothing twice); message id <answerId>:<savedAt>.",
    maxDeliveryCount: 10,
    lockDuration: 'PT1M',
    duplicateDetectionWindow: 'PT10M',
    messageTimeToLive: 'P14D',
  },
  // e-retention (issue 13, RET-4)
  'retention-outcomes': {
    description:
      'An objection to keeping learning outcomes (PRIV-4 outcomeKeeping) to carry out (RET-4 "until the user asks"): the erasure pipeline erases the person\'s learning outcomes; message id retention-outcomes:<accountId>:<objected at>; an objection lifted before delivery erases nothing.',
    maxDeliveryCount: 10,
    lockDuration: 'PT5M',
    duplicateDetectionWindow: 'PT1H',
    messageTimeToLive: 'P14D',
  },
} as const satisfies Record<string, QueueSpec>;

export type QueueName = keyof typeof queueSpecs;

/** Seconds in an ISO 8601 duration of days/hours/minutes/seconds (what the queue properties use). */
export function isoDurationSeconds(duration: string): number {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(duration);
  if (!match || duration === 'P' || duration.endsWith('T')) throw new Error(`Unsupported ISO 8601 duration: ${duration}`);
  const [, d, h, m, s] = match;
  return Number(d ?? 0) * 86_400 + Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0);
}

export function infraQueues() {
  return {
    queues: Object.entries(queueSpecs).map(([name, spec]) => ({
      name,
      maxDeliveryCount: spec.maxDeliveryCount,
      lockDuration: spec.lockDuration,
      requiresDuplicateDetection: true,
      duplicateDetectionHistoryTimeWindow: spec.duplicateDetectionWindow,
      defaultMessageTimeToLive: spec.messageTimeToLive,
      deadLetteringOnMessageExpiration: true,
    })),
  };
}
