/** The public face of shared/acl: what other areas and functions/ may import (README, "Areas and their faces"). */
import type { Target } from './authorize.js';
import type { Capability } from './capabilities.js';

// Every HTTP route names its capability-table row and what a request is about; acl declares that part of platform's
// route contract (platform imports no area).
declare module '../platform/definitions.js' {
  interface HttpContract {
    /** The capability-table row the route needs ('public' for public routes). */
    capability: Capability;
    /**
     * What a request is about, from its parameters (the caller's own account when absent). A few routes also look at
     * the caller (ending a parent link: is the caller a party?); without a principal they answer as for a non-party.
     */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each route's target reads its own parsed params; their type is the route's schema
    target?: (input: { params: any; query: any; principal?: { accountId: string } }) => Target;
  }
}
export { queueStaffAccess, recordStaffAccess, type StaffAccessDoc, staffAccessMessageSchema, writeStaffAccess } from './audit.js';
export { authorize, type Grant, rolesOf, type Target } from './authorize.js';
export { auditedCapabilities, type Capability } from './capabilities.js';
