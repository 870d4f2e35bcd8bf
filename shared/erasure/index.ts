/** The public face of shared/erasure: what other areas and functions/ may import (README, "Areas and their faces"). */
export { type ErasureEvidence, type ErasureOrder, eraseSubject } from './erase.js';
