import type { Target } from '../acl/index.js';

/**
 * A journal's id carries its subject and class: `j.<subject>.<class>.<unique>`, each part base64url (the class part
 * empty for a study group). The access check at the door then knows them from the path alone, so the capability
 * table's scopes apply to every journal route (ACL-2 ownSubject, ACL-3 ownClass) before anything is read; the journal
 * is then read by exactly this id, so a forged id names no journal.
 */
const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const decode = (part: string) => Buffer.from(part, 'base64url').toString('utf8');

export function journalIdFor(subject: string, classId: string | undefined, unique: string): string {
  return `j.${encode(subject)}.${classId ? encode(classId) : ''}.${unique}`;
}

/** What a journal route is about, from its path: the school, and the subject and class named by the journal's id. */
export function journalTarget(schoolId: string, journalId: string): Target {
  const parts = journalId.split('.');
  if (parts.length !== 4 || parts[0] !== 'j' || !parts[1]) return { schoolId };
  return { schoolId, subject: decode(parts[1]), ...(parts[2] ? { classId: decode(parts[2]) } : {}) };
}
