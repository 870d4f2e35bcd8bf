import { describe, expect, it } from 'vitest';
import { namesMatch } from '../identity.js';
import { haridEidGrade, haridRoles, MPASS_NATIONAL_ID, mpassidIdentity, mpassRoles } from './index.js';

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

describe('AUTH-3: which assertions are eID grade', () => {
  it('AUTH-3: HarID with ID-card, Mobile-ID or Smart-ID is eID grade; a HarID password or an unknown method is not', () => {
    for (const amr of [['idcard'], ['mID'], ['smartid'], ['mobileid'], 'smartid']) expect(haridEidGrade(amr), JSON.stringify(amr)).toBe(true);
    for (const amr of [['harid'], ['pwd'], [], undefined, 'password', [42]]) expect(haridEidGrade(amr), JSON.stringify(amr)).toBe(false);
  });

  it('AUTH-3: MPASSid: a released henkilötunnus is eID grade; none released means no code; an invalid one stops the sign-in', () => {
    const base = { 'urn:mpass.id:uid': 'MPASSOID.1', 'urn:oid:2.5.4.42': 'Aino', 'urn:oid:2.5.4.4': 'Virtanen' };
    expect(mpassidIdentity('sub', { ...base, [MPASS_NATIONAL_ID]: '131052-308T' })).toMatchObject({
      subject: 'MPASSOID.1',
      personalCode: { country: 'FI', code: '131052-308T' },
      personalCodeGrade: 'eid',
    });
    expect(mpassidIdentity('sub', base).personalCode).toBeUndefined();
    expect(() => mpassidIdentity('sub', { ...base, [MPASS_NATIONAL_ID]: '131052-308X' })).toThrow(/invalid_personal_code/);
  });

  it('AUTH-3, ACC-5: names match when the family name is the same and one given name is shared, ignoring case and accents', () => {
    const record = { firstName: 'Mari-Liis', lastName: 'Mäe' };
    expect(namesMatch({ givenName: 'MARI LIIS', familyName: 'mae' }, record)).toBe(true);
    expect(namesMatch({ givenName: 'Liis', familyName: 'Mäe' }, record)).toBe(true);
    expect(namesMatch({ givenName: 'Mari', familyName: 'Mets' }, record)).toBe(false);
    expect(namesMatch({ givenName: 'Kati', familyName: 'Mäe' }, record)).toBe(false);
    expect(namesMatch({ familyName: 'Mäe' }, record)).toBe(false);
    expect(namesMatch({ givenName: 'Mari', familyName: '' }, { firstName: 'Mari', lastName: '' })).toBe(false);
  });
});
