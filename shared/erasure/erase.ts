import type { Services } from '../platform/services.js';

export interface ErasureOrder {
  accountId: string;
  /** 'request': PRIV-3 on the person's request (after the school's consent where the school is controller); 'retention': the closure+5-years run; 'outcomes': only learning outcomes (objection outcomeKeeping / RET-4 "until the user asks"). */
  reason: 'request' | 'retention' | 'outcomes';
}

export interface ErasureEvidence {
  subjectHash: string;
  reason: ErasureOrder['reason'];
  startedAt: string;
  completedAt: string;
  counts: Record<string /* registry type */, { deleted: number; anonymised: number; held: number }>;
  blobsDeleted: number;
  holds: { type: string; until: string }[];
}

/** PRIV-3: erases a data subject's documents and files as the registry says (first version: not yet filled in). */
export async function eraseSubject(services: Services, order: ErasureOrder): Promise<ErasureEvidence> {
  const at = services.clock.now().toISOString();
  return { subjectHash: '', reason: order.reason, startedAt: at, completedAt: at, counts: {}, blobsDeleted: 0, holds: [] };
}
