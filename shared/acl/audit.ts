import { randomUUID } from 'node:crypto';

import type { Doc } from '../platform/cosmos.js';
import type { Services } from '../platform/services.js';
import type { Capability } from './capabilities.js';

/** One access by operator staff to a person's data (ACL-7), readable by that person at GET /api/me/audit. */
export interface StaffAccessDoc extends Doc {
  type: 'staff-access';
  subjectId: string;
  staffAccountId: string;
  capability: Capability;
  at: string;
  correlationId: string;
  /** What the staff member did, when it was an act and not a look (ACC-1: a school created, a role given). */
  action?: string;
}

export async function recordStaffAccess(
  services: Pick<Services, 'db' | 'clock'>,
  input: { subjectId: string; staffAccountId: string; capability: Capability; correlationId: string; action?: string },
): Promise<void> {
  await services.db.collection('audit').create<StaffAccessDoc>({
    id: `staff-access:${randomUUID()}`,
    type: 'staff-access',
    ...input,
    at: services.clock.now().toISOString(),
  });
}
