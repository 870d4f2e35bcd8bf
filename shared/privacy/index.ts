/** The public face of shared/privacy: what other areas and functions/ may import (README, "Areas and their faces"). */
export { dataRegistry, type DocumentTypeSpec, storageRules } from './registry.js';
