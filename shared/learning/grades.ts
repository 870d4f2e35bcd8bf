import type { Grade, GradingScale } from './model.js';

/**
 * Whether a grade is on a scale (LRN-3): Estonian 1 to 5 in whole grades; Finnish 4 to 10, where 8½ is 8.5 and the
 * marks 9- and 8+ are 8.75 and 8.25 (quarter steps); pass or fail; a percentage from 0 to 100.
 */
export function gradeOnScale(scale: GradingScale, grade: Grade): boolean {
  switch (scale) {
    case 'ee-1-5':
      return typeof grade === 'number' && Number.isInteger(grade) && grade >= 1 && grade <= 5;
    case 'fi-4-10':
      return typeof grade === 'number' && grade >= 4 && grade <= 10 && Number.isInteger(grade * 4);
    case 'pass-fail':
      return grade === 'pass' || grade === 'fail';
    case 'percentage':
      return typeof grade === 'number' && Number.isFinite(grade) && grade >= 0 && grade <= 100;
  }
}
