import { type Doc, updateWithEtag } from '../platform/cosmos.js';
import type { Services } from '../platform/services.js';
import { type AggregateEvent, type SchoolFacts, schoolScope } from './aggregates.js';

/**
 * A school's students in a month (STAT-1): the population a statistics cell must leave at least 5 of out, kept beside
 * the school's usage cells so that a municipality's report reads it in its one query instead of counting each school's
 * memberships. Written by the usage pipeline when the school's people are active that month (a count of the school's
 * active student memberships, at most once per school and month every 5 minutes per instance), as the month's largest
 * count: everyone who could be in the month's cells. A month without a snapshot takes the school's latest earlier one.
 */
export interface EnrolmentDoc extends Doc {
  type: 'usage-enrolment';
  scope: string;
  month: string;
  schoolId: string;
  municipality?: string;
  students: number;
}

const ENROLMENT_REFRESH_MS = 5 * 60_000;
const refreshedByDatabase = new WeakMap<object, Map<string, number>>();

export async function recordEnrolment(
  services: Pick<Services, 'db'>,
  schools: readonly SchoolFacts[],
  events: readonly Pick<AggregateEvent, 'at'>[],
): Promise<void> {
  let refreshed = refreshedByDatabase.get(services.db);
  if (!refreshed) refreshedByDatabase.set(services.db, (refreshed = new Map<string, number>()));
  const months = [...new Set(events.map((e) => e.at.slice(0, 7)))];
  for (const school of schools)
    for (const month of months) {
      const key = `${school.schoolId}|${month}`;
      if (Date.now() - (refreshed.get(key) ?? 0) < ENROLMENT_REFRESH_MS) continue;
      const students = await services.db
        .collection('schools')
        .count(school.schoolId, "c.type = 'membership' AND c.status = 'active' AND c.role = 'student'");
      const scope = schoolScope(school);
      const id = `e|${month}|${school.schoolId}`;
      await updateWithEtag<EnrolmentDoc>(
        services.db.collection('stats'),
        id,
        scope,
        (doc) => (doc.students >= students ? undefined : { ...doc, students }),
        {
          attempts: 20,
          create: () => ({
            id,
            type: 'usage-enrolment',
            scope,
            month,
            schoolId: school.schoolId,
            ...(school.municipality ? { municipality: school.municipality } : {}),
            students,
          }),
        },
      );
      refreshed.set(key, Date.now());
    }
}
