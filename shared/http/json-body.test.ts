import { describe, expect, it } from 'vitest';

import { HttpError } from './errors.js';
import { firstDuplicateKey, parseFormStrictly, parseJsonStrictly } from './json-body.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (error) {
    return error instanceof HttpError ? `${error.status} ${error.code}` : 'other';
  }
};

describe('strict JSON bodies (issue 9, defect 11)', () => {
  it('STORE-7: a duplicate acknowledgeNoWithdrawal is refused, whichever value comes last', () => {
    expect(codeOf(() => parseJsonStrictly(bytes('{"acknowledgeNoWithdrawal":false,"acknowledgeNoWithdrawal":true}')))).toBe('400 duplicate_json_key');
    expect(codeOf(() => parseJsonStrictly(bytes('{"acknowledgeNoWithdrawal":true, "acknowledgeNoWithdrawal" :false}')))).toBe(
      '400 duplicate_json_key',
    );
    expect(parseJsonStrictly(bytes('{"acknowledgeNoWithdrawal":true}'))).toEqual({ acknowledgeNoWithdrawal: true });
  });

  it('finds duplicates after unescaping, at any depth, and not across objects or in values', () => {
    expect(firstDuplicateKey('{"a":1,"\\u0061":2}')).toBe('a');
    expect(firstDuplicateKey('{"x":{"b":1,"b":2}}')).toBe('b');
    expect(firstDuplicateKey('[{"a":1},{"a":2}]')).toBeUndefined();
    expect(firstDuplicateKey('{"a":"a","b":["a","a"],"c":{"a":1}}')).toBeUndefined();
    expect(firstDuplicateKey('{"a\\"":1,"a":2}')).toBeUndefined();
  });

  it('refuses lone surrogates and broken UTF-8, keeps real astral characters', () => {
    expect(codeOf(() => parseJsonStrictly(bytes('{"message":"\\ud800"}')))).toBe('400 invalid_text');
    expect(codeOf(() => parseJsonStrictly(bytes('{"\\udc00":1}')))).toBe('400 invalid_text');
    expect(codeOf(() => parseJsonStrictly(new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])))).toBe('400 invalid_text');
    expect(parseJsonStrictly(bytes('{"message":"\\ud83d\\ude00 😀"}'))).toEqual({ message: '😀 😀' });
    expect(codeOf(() => parseJsonStrictly(bytes('{"a":')))).toBe('400 malformed_json');
  });

  it('PAY-2: a form with a field twice (two json values for one mac) is refused', () => {
    expect(codeOf(() => parseFormStrictly('json=a&mac=b&json=c'))).toBe('400 duplicate_json_key');
    expect(parseFormStrictly('json=a&mac=b')).toEqual({ json: 'a', mac: 'b' });
  });
});
