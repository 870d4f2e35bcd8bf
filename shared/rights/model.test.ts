import { describe, expect, it } from 'vitest';

import { isOpen, mayMove, requestIdFor, requestStates, subjectOfRequestId } from './model.js';

describe('PRIV-7: the request state machine', () => {
  it('PRIV-7: exactly the steps received -> verifying -> waiting-for-school -> processing -> done | rejected | cancelled', () => {
    const allowed = requestStates.flatMap((from) => requestStates.filter((to) => mayMove(from, to)).map((to) => `${from}->${to}`));
    expect(allowed.sort()).toEqual(
      [
        'received->verifying',
        'received->rejected',
        'received->cancelled',
        'verifying->waiting-for-school',
        'verifying->processing',
        'verifying->rejected',
        'verifying->cancelled',
        'waiting-for-school->processing',
        'waiting-for-school->rejected',
        'waiting-for-school->cancelled',
        'processing->done',
        'processing->rejected',
      ].sort(),
    );
  });

  it('PRIV-7: done, rejected and cancelled are final; the rest are open', () => {
    expect(requestStates.filter(isOpen)).toEqual(['received', 'verifying', 'waiting-for-school', 'processing']);
  });

  it("PRIV-7: a request id carries its subject's account id (the partition), and only a well-formed one is accepted", () => {
    const id = requestIdFor('acc-ee-student-mihkel', '0b9d6a3e-3f3c-4c1e-9a55-6f2a6b3b9c10');
    expect(subjectOfRequestId(id)).toBe('acc-ee-student-mihkel');
    expect(subjectOfRequestId('support:none')).toBeUndefined();
    expect(subjectOfRequestId('rights-request:acc-x:not-a-uuid')).toBeUndefined();
    // The whole id must match: nothing before or after it, a whole UUID.
    expect(subjectOfRequestId(`x${id}`)).toBeUndefined();
    expect(subjectOfRequestId(`${id}0`)).toBeUndefined();
    expect(subjectOfRequestId(id.slice(0, -1))).toBeUndefined();
    expect(subjectOfRequestId('rights-request::0b9d6a3e-3f3c-4c1e-9a55-6f2a6b3b9c10')).toBeUndefined();
  });
});
