import { describe, expect, it } from 'vitest';
import { haridRoles, mpassRoles } from './index.js';

describe('school roles asserted by providers', () => {
  it('AUTH-1: HarID roles map to school codes and roles; ended roles are dropped', () => {
    expect(
      haridRoles([
        { marker: 'faculty', active: true, provider_ehis_id: '75000001' },
        { marker: 'student', active: true, provider_ehis_id: '75000001', student_grade: 6, student_parallel: 'b' },
        { marker: 'faculty', active: false, provider_ehis_id: '75000002' },
        { marker: 'director', active: true, provider_ehis_id: '75000003' },
        { marker: 'faculty' },
      ]),
    ).toEqual([
      { schoolCode: '75000001', role: 'teacher' },
      { schoolCode: '75000001', role: 'student', className: '6.b' },
      { schoolCode: '75000003', role: 'principal' },
    ]);
    expect(haridRoles(undefined)).toEqual([]);
    expect(haridRoles('faculty')).toEqual([]);
  });

  it('AUTH-1: MPASSid urn:mpass.id:role values map per school with their class', () => {
    expect(
      mpassRoles([
        '1.2.246.562.10.494695390410;00001;7A;Oppilas;1;1.2.246.562.10.00000000001;',
        '1.2.246.562.10.494695390410;00002;;Opettaja;2;;',
        'malformed',
      ]),
    ).toEqual([
      { schoolCode: '00001', role: 'student', className: '7A' },
      { schoolCode: '00002', role: 'teacher' },
    ]);
    expect(mpassRoles('x;00003;;Rehtori;6;;')).toEqual([{ schoolCode: '00003', role: 'principal' }]);
  });
});
