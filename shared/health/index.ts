/** The public face of shared/health: what other areas and functions/ may import (README, "Areas and their faces"). */
export { checkHealth } from './health.js';
