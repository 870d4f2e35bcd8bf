import { randomUUID } from 'node:crypto';

import { z } from 'zod';

import { type Doc, DocumentExistsError } from '../platform/cosmos.js';
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

export const staffAccessMessageSchema = z.strictObject({
  id: z.string().min(1),
  subjectId: z.string().min(1),
  staffAccountId: z.string().min(1),
  capability: z.string().min(1),
  correlationId: z.string(),
  at: z.iso.datetime(),
});

/**
 * ACL-7 for a look at someone's data through a route (issue 11): the record is handed to the queue
 * `staff-access-records` before the data is returned (the send is durable once it answers), so the look costs no
 * Cosmos write in the request. The record's id is made here: the queue's repeat finds its own earlier create.
 */
export async function queueStaffAccess(
  services: Pick<Services, 'bus' | 'clock'>,
  input: { subjectId: string; staffAccountId: string; capability: Capability; correlationId: string },
): Promise<void> {
  const id = `staff-access:${randomUUID()}`;
  await services.bus.send('staff-access-records', {
    body: { id, ...input, at: services.clock.now().toISOString() } satisfies z.infer<typeof staffAccessMessageSchema>,
    messageId: id,
  });
}

/** The queued record, written once: a repeat meets its own create (409) and is done. */
export async function writeStaffAccess(services: Pick<Services, 'db'>, message: z.infer<typeof staffAccessMessageSchema>): Promise<void> {
  try {
    await services.db.collection('audit').create<StaffAccessDoc>({ ...message, type: 'staff-access', capability: message.capability as Capability });
  } catch (error) {
    if (!(error instanceof DocumentExistsError)) throw error;
  }
}
