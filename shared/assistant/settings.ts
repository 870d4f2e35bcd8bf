import { type Doc, updateWithEtag } from '../platform/cosmos.js';
import type { Services } from '../platform/services.js';

/**
 * A school's switch for the trial (GPT-1): its administrator can switch the assistant off for the school's students.
 * One document per school in the school's partition; no document means on. Every message of a student reads it, so
 * switching off holds from the next message.
 */
interface AssistantSettingDoc extends Doc {
  type: 'assistant-setting';
  schoolId: string;
  studentsEnabled: boolean;
  updatedAt: string;
}

const SETTING_ID = 'assistant-setting';

export interface AssistantSettingView {
  schoolId: string;
  studentsEnabled: boolean;
  updatedAt: string;
}

/** Sets the switch; setting it to what it already is changes nothing. */
export async function setStudentsEnabled(
  services: Pick<Services, 'db' | 'clock'>,
  schoolId: string,
  studentsEnabled: boolean,
): Promise<AssistantSettingView> {
  const fresh = (): AssistantSettingDoc => ({
    id: SETTING_ID,
    type: 'assistant-setting',
    schoolId,
    studentsEnabled,
    updatedAt: services.clock.now().toISOString(),
  });
  const result = await updateWithEtag<AssistantSettingDoc>(
    services.db.collection('schools'),
    SETTING_ID,
    schoolId,
    (current) => (current.studentsEnabled === studentsEnabled ? undefined : { ...current, ...fresh() }),
    { create: fresh, type: 'assistant-setting' },
  );
  const doc = result?.doc ?? fresh();
  return { schoolId, studentsEnabled: doc.studentsEnabled, updatedAt: doc.updatedAt };
}

/** Whether the school lets its students use the assistant (one point read; on unless switched off). */
export async function studentsEnabledIn(services: Pick<Services, 'db'>, schoolId: string): Promise<boolean> {
  const doc = await services.db.collection('schools').read<AssistantSettingDoc>(SETTING_ID, schoolId);
  return doc?.type === 'assistant-setting' ? doc.studentsEnabled : true;
}
