/** The public face of shared/retention: what other areas and functions/ may import (README, "Areas and their faces"). */
export { closureRetention, eraseOutcomesOnObjection } from './closures.js';
export { inactiveAccountsRetention } from './inactive.js';
