/**
 * Types of the data registry: the one declared inventory of where data lives, what personal data it holds, why,
 * on what lawful basis, how long, and how it is exported and erased (Moodle's privacy API is the model).
 */

type PersonalDataCategory =
  | 'identification' // name, personal code, date of birth (AUTH-3)
  | 'contact' // e-mail, phone
  | 'authentication' // external login ids, password hashes, session records
  | 'school-role' // roles, school, class, subjects, study groups, inviter (ACC-1, ACC-2)
  | 'parent-link' // parent-child links (ACC-3)
  | 'privacy-settings' // who may see the person's data, consents (ACC-4, PRIV-6)
  | 'device' // device and browser info
  | 'usage' // time of use, IP, usage events (LOG-1, RET-7)
  | 'security-log' // sign-ins and failures (AUTH-4, RET-8)
  | 'learning' // journals, answers, grades, feedback, notes (LRN)
  | 'study-history' // 30-day change history (LRN-6)
  | 'accounting' // orders, invoices, payer data (RET-3, PAY-3)
  | 'payment-message' // raw provider messages (PAY-2)
  | 'marketing' // newsletter consent (MKT-1, RET-5)
  | 'support' // support requests (ACC-6)
  | 'audit' // staff access to a person's data (ACL-7)
  | 'authorship'; // which CMS user of a publisher saved a draft or published a version (ACC-1, ACL-6)

type LawfulBasis =
  | 'contract' // GDPR 6(1)(b): the service the user or school signed up for
  | 'legal-obligation' // 6(1)(c): accounting law
  | 'public-task' // 6(1)(e): schools' statutory tasks, where the platform is the school's processor
  | 'legitimate-interest' // 6(1)(f): security, platform development
  | 'consent'; // 6(1)(a): marketing, optional features

/** The events a retention may wait for; each has its words in et/fi/en (shared/privacy/texts.ts). */
export type RetentionEvent =
  | 'account-deleted'
  | 'account-deleted+5y'
  | 'invitation-closed+30d'
  | 'work-retired'
  | 'account-closed'
  | 'erasure-completed';

/** Why data without a person in it is kept with no end; each has its words in et/fi/en (shared/privacy/texts.ts). */
export type IndefiniteReason =
  | 'organisation-data'
  | 'organisation-setting'
  | 'catalogue-data'
  | 'work-content'
  | 'anonymous-usage'
  | 'count-per-cell'
  | 'yearly-number';

type RetentionRule =
  /** Cosmos TTL set on every write: the document disappears `days` after its last write. */
  | { kind: 'fixed'; days: number; requirement: string }
  /** Accounting documents: 7 years plus the running financial year (RET-3), computed on write. */
  | { kind: 'accounting'; requirement: 'RET-3' }
  /** Kept until an event (account deletion, consent withdrawal, expiry set by the code); a sweep or the erasure pipeline sets the TTL. */
  | { kind: 'event'; event: RetentionEvent; requirement: string }
  /** Not personal data: kept while the business needs it. */
  | { kind: 'indefinite'; reason: IndefiniteReason };

type ErasureStep = 'delete' | 'anonymise' | 'legal-hold';

/**
 * Which partitions hold a subject's documents of a type, so export and erasure read them with single-partition
 * queries (or point reads), never a cross-partition scan. Inside those partitions `subjectField` picks the subject's.
 */
export type SubjectFinder =
  /** The container is partitioned by the subject's account id. */
  | { partitions: 'subject' }
  /**
   * The subject's partition and their children's (the account's family links): what a parent did about a child is
   * kept under the child (a parent's request about their child).
   */
  | { partitions: 'subject-and-children' }
  /** The schools the account names: its school roles, family links and `schoolPartitions` (every school it had a role in). */
  | { partitions: 'account-schools' }
  /** The publishers the account has CMS roles at. */
  | { partitions: 'account-publishers' }
  /** The login index ids the account names: its linked logins, `email:<address>`, `pcode:<country>:<code>` (point reads). */
  | { partitions: 'account-logins' }
  /** The payment transactions of the subject's orders (`order.payment.transactionId`). */
  | { partitions: 'order-transactions' }
  /** The invoice register years of the subject's invoiced orders (`invoice-register:<year>`). */
  | { partitions: 'order-invoice-years' }
  /** Cannot be tied to an account (keyed only by hashes, or received without one): kept briefly, never exported. */
  | { partitions: 'none'; reason: string };

export interface ContainerSpec {
  name: string;
  /** Single-field partition key path, e.g. '/accountId'. */
  partitionKeyPath: `/${string}`;
  description: string;
  /** Paths left out of the container's index (large fields never queried), e.g. '/search/*'; the rest is indexed. */
  excludedPaths?: `/${string}`[];
}

export interface DocumentTypeSpec {
  /** Value of the document's `type` field. */
  type: string;
  container: string;
  description: string;
  /** Empty when the document holds no personal data. */
  personalData: PersonalDataCategory[];
  purpose: string;
  lawfulBasis: LawfulBasis;
  retention: RetentionRule;
  /**
   * Field(s) holding the data subjects' account ids: how export and erasure find a subject's documents. Several when a
   * document is about more than one person (a parent link is the child's and the parent's). Dotted paths reach into
   * objects; a field named `…Ids` is a list of ids; `list[].field` is a field of each object in a list.
   */
  subjectField?: string | string[];
  /** Where the subject's documents are (required with a subject field). */
  find?: SubjectFinder;
  /** A field holding an e-mail address that also makes the document the subject's (an invitation never accepted). */
  subjectEmailField?: string;
  /** How the document appears in the subject's export (PRIV-2); `omit` lists fields never exported (hashes). */
  export?: { omit: string[] };
  /** What erasure does (PRIV-3); legal-hold keeps the document until its retention ends. */
  erasure?: ErasureStep;
  /**
   * With erasure 'anonymise' (PRIV-3): where the subject is in the document, so it stays for statistics without them
   * (shared/privacy/anonymise.ts). Each entry is one of: `path` (dotted; the subject's id becomes "erased", or leaves a
   * list named …Ids); `list[].field` (the field in each element, likewise); `list[]` (elements naming the subject are
   * removed); `field@path` (the field is removed when `path` names the subject: their name beside their id). Every
   * subject field must be covered; an id holding the subject's id is re-keyed.
   */
  anonymise?: string[];
  /**
   * Blobs the document stands for, under a per-account prefix (`{accountId}` is the subject's id): export copies every
   * blob under it and erasure deletes them (shared/materials: exportMaterialsOf, eraseMaterialsOf).
   */
  blobs?: { container: string; prefix: `${string}{accountId}/${string}` };
  requirements: string[];
}

export interface DataRegistry {
  database: string;
  containers: ContainerSpec[];
  documentTypes: DocumentTypeSpec[];
}
