import { type Doc, updateWithEtag } from '../platform/cosmos.js';
import type { Services } from '../platform/services.js';

/**
 * A school's switch for the trial (GPT-1): its administrator can switch the assistant off for the school's students.
 * No document means on. Every message of a student reads the switches of all the student's schools, so switching off
 * holds from the next message. They are kept together in one partition of `schools` (`assistant-settings`, one
 * document per school, id `assistant-setting:<schoolId>`), so a student of several schools costs one query, not a
 * read per school (issue 11 budget).
 */
interface AssistantSettingDoc extends Doc {
  type: 'assistant-setting';
  /** The partition, the same for every school's switch. */
  schoolId: typeof SETTINGS_PARTITION;
  forSchoolId: string;
  studentsEnabled: boolean;
  updatedAt: string;
}

const SETTINGS_PARTITION = 'assistant-settings';
const settingId = (schoolId: string) => `assistant-setting:${schoolId}`;

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
    id: settingId(schoolId),
    type: 'assistant-setting',
    schoolId: SETTINGS_PARTITION,
    forSchoolId: schoolId,
    studentsEnabled,
    updatedAt: services.clock.now().toISOString(),
  });
  const result = await updateWithEtag<AssistantSettingDoc>(
    services.db.collection('schools'),
    settingId(schoolId),
    SETTINGS_PARTITION,
    (current) => (current.studentsEnabled === studentsEnabled ? undefined : { ...current, ...fresh() }),
    { create: fresh, type: 'assistant-setting' },
  );
  const doc = result?.doc ?? fresh();
  return { schoolId, studentsEnabled: doc.studentsEnabled, updatedAt: doc.updatedAt };
}

/**
 * Whether every one of these schools lets its students use the assistant (on unless switched off): one point read
 * for one school, one single-partition query for several, none for none.
 */
export async function studentsEnabledInAll(services: Pick<Services, 'db'>, schoolIds: string[]): Promise<boolean> {
  const schools = services.db.collection('schools');
  if (schoolIds.length === 0) return true;
  if (schoolIds.length === 1) {
    const doc = await schools.read<AssistantSettingDoc>(settingId(schoolIds[0]!), SETTINGS_PARTITION);
    return doc?.type === 'assistant-setting' ? doc.studentsEnabled : true;
  }
  const off = await schools.queryAll<{ id: string }>(SETTINGS_PARTITION, {
    where: "c.type = 'assistant-setting' AND c.studentsEnabled = false AND ARRAY_CONTAINS(@schools, c.forSchoolId)",
    parameters: [{ name: '@schools', value: [...new Set(schoolIds)] }],
  });
  return off.length === 0;
}
