import { defineErrors } from '../platform/errors.js';

/** Errors of statistics (STAT-1, STAT-2), in et, fi and en (OPS-3). */
export const statisticsErrors = defineErrors({
  statistics_period_invalid: {
    kind: 'invalid',
    text: {
      et: 'Periood peab algama enne lõppu ja olema kuni {maxMonths} kuud.',
      fi: 'Jakson on alettava ennen loppuaan ja oltava enintään {maxMonths} kuukautta.',
      en: 'The period must start before it ends and be at most {maxMonths} months.',
    },
  },
});

declare module '../platform/errors.js' {
  interface ErrorCodes extends Record<keyof typeof statisticsErrors, true> {}
}
