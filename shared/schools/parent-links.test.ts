import { describe, expect, it } from 'vitest';

import { statusOf } from '../http/error-catalogue.js';
import { AppError } from '../platform/errors.js';
import type { ParentLinkDoc, ParentLinkStatus } from './model.js';
import { canTransition, endLinkTarget, partiesOf, transition } from './parent-links.js';

const link = (status: ParentLinkStatus): ParentLinkDoc => ({
  id: 'parent-link:acc-p:acc-c',
  type: 'parent-link',
  schoolId: 'school-1',
  parentAccountId: 'acc-p',
  childAccountId: 'acc-c',
  status,
  requestedBy: 'parent',
  requestedAt: '2026-09-01T08:00:00.000Z',
  history: [{ status: 'requested', at: '2026-09-01T08:00:00.000Z', by: 'acc-p', as: 'parent' }],
});

const statuses: ParentLinkStatus[] = ['requested', 'confirmed', 'refused', 'ended'];
const legal = new Set(['requested->confirmed', 'requested->refused', 'confirmed->ended']);

describe('parent link state machine (ACC-3)', () => {
  it('ACC-3: allows exactly requested -> confirmed | refused and confirmed -> ended', () => {
    for (const from of statuses) for (const to of statuses) expect(canTransition(from, to), `${from} -> ${to}`).toBe(legal.has(`${from}->${to}`));
  });

  it('ACC-3: every illegal transition throws 409 parent_link_transition naming the move', () => {
    for (const from of statuses)
      for (const to of statuses) {
        if (legal.has(`${from}->${to}`)) continue;
        const error = (() => {
          try {
            transition(link(from), to, { by: 'acc-admin', as: 'school', at: '2026-09-02T08:00:00.000Z' });
          } catch (e) {
            return e;
          }
          return undefined;
        })();
        expect(error, `${from} -> ${to}`).toBeInstanceOf(AppError);
        expect(statusOf((error as AppError).code)).toBe(409);
        expect((error as AppError).code).toBe('parent_link_transition');
        expect((error as AppError).details).toEqual([{ path: 'status', issue: `${from} -> ${to} is not allowed` }]);
      }
  });

  it('ACC-3: a transition appends who, in which capacity and when to the history, and records the decision or the end', () => {
    const confirmed = transition(link('requested'), 'confirmed', { by: 'acc-admin', as: 'school', at: '2026-09-02T08:00:00.000Z' });
    expect(confirmed).toMatchObject({ status: 'confirmed', decidedBy: 'acc-admin', decidedAt: '2026-09-02T08:00:00.000Z' });
    expect(confirmed.history).toEqual([
      { status: 'requested', at: '2026-09-01T08:00:00.000Z', by: 'acc-p', as: 'parent' },
      { status: 'confirmed', at: '2026-09-02T08:00:00.000Z', by: 'acc-admin', as: 'school' },
    ]);
    const ended = transition(confirmed, 'ended', { by: 'acc-c', as: 'child', at: '2026-09-03T08:00:00.000Z' });
    expect(ended).toMatchObject({ status: 'ended', endedBy: 'acc-c', endedAt: '2026-09-03T08:00:00.000Z', decidedBy: 'acc-admin' });
    expect(ended.history.map((h) => h.status)).toEqual(['requested', 'confirmed', 'ended']);
    // The input is not changed: a failed write leaves nothing half-moved in memory.
    expect(confirmed.status).toBe('confirmed');
    expect(confirmed.history).toHaveLength(2);
  });

  it('ACC-3: a refused link is final', () => {
    const refused = transition(link('requested'), 'refused', { by: 'acc-admin', as: 'school', at: '2026-09-02T08:00:00.000Z' });
    expect(refused).toMatchObject({ status: 'refused', decidedBy: 'acc-admin' });
    for (const to of statuses) expect(canTransition(refused.status, to)).toBe(false);
  });
});

describe('who a parent link is about', () => {
  it('reads the parties from the link id, with or without the suffix of a later link', () => {
    expect(partiesOf('parent-link:acc-ee-parent-tiina:acc-ee-student-mihkel')).toEqual({
      parentId: 'acc-ee-parent-tiina',
      childId: 'acc-ee-student-mihkel',
    });
    expect(partiesOf('parent-link:acc-1:acc-2:1790000000000')).toEqual({ parentId: 'acc-1', childId: 'acc-2' });
    expect(partiesOf('invitation:abc')).toBeUndefined();
    expect(partiesOf('parent-link:a')).toBeUndefined();
  });

  it('ACL-5: ending a link targets the caller only when they are a party, so the `own` grant fails for anyone else', () => {
    const id = 'parent-link:acc-p:acc-c';
    expect(endLinkTarget(id, 's', 'acc-p')).toEqual({ schoolId: 's', accountId: 'acc-p' });
    expect(endLinkTarget(id, 's', 'acc-c')).toEqual({ schoolId: 's', accountId: 'acc-c' });
    expect(endLinkTarget(id, 's', 'acc-stranger')).toEqual({ schoolId: 's', accountId: 'acc-p' });
    expect(endLinkTarget('garbage', 's', 'acc-stranger').accountId).not.toBe('acc-stranger');
  });
});
