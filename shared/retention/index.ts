/** The public face of shared/retention: what other areas and functions/ may import (README, "Areas and their faces"). */
export { inactiveAccountsRetention } from './inactive.js';
