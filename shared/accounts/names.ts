import { z } from 'zod';

/**
 * A person's name as typed by a user (sign-up, own profile, a school correcting a student): letters of any script
 * with their marks, and the separators names use (space, hyphen, apostrophes, full stop). Refused: control and
 * format characters (line breaks, bidi overrides that reorder text in e-mails), digits and symbols, and anything
 * that reads as a web address ("evil.example", "www.", "://"), because names are put into e-mails.
 */
const NAME = /^[\p{L}\p{M}]+(?:[ '’.\-]{1,2}[\p{L}\p{M}]+)*\.?$/u;
const WEB_ADDRESS = /(?:\.\p{L}{2,})|www|:\/\//iu;

export function nameProblem(value: string): string | undefined {
  if (/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(value)) return 'must not contain control characters';
  if (WEB_ADDRESS.test(value.toLowerCase().replace(/\.\s/g, ' '))) return 'must not contain a web address';
  if (!NAME.test(value)) return 'may contain only letters, spaces, hyphens, apostrophes and full stops';
  return undefined;
}

export const personNameSchema = z
  .string()
  .transform((v) => v.normalize('NFC').trim().replace(/ {2,}/g, ' '))
  .pipe(z.string().min(1).max(100))
  .superRefine((value, ctx) => {
    const problem = nameProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
