/** The public face of shared/erasure: what other areas and functions/ may import (README, "Areas and their faces"). */
export { eraseSubject, type ErasureEvidence, type ErasureOrder, readErasureEvidence } from './erase.js';
export { erasureErrors } from './errors.js';
export { erasureEvidenceByHash, erasureEvidenceOfAccount, erasureEvidenceSchema } from './evidence.js';
