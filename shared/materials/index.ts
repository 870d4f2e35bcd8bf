/** The materials area's public face (LRN-4): notes, bookmarks, highlights, progress, own materials and their shares. */
export {
  ANNOTATION_PAGE_SIZE,
  annotationChangeSchema,
  annotationInputSchema,
  annotationOutputSchema,
  annotationsQuery,
  annotationView,
  clientIdSchema,
  contentIdSchema,
  createAnnotation,
  deleteAnnotation,
  updateAnnotation,
} from './annotations.js';
export { materialsErrors } from './errors.js';
export {
  addMaterial,
  deleteMaterial,
  findMaterial,
  listMaterials,
  materialContent,
  materialOutputSchema,
  MAX_MATERIAL_BYTES,
  MAX_TEXT_CHARACTERS,
  MAX_TEXT_TITLE,
  readText,
} from './library.js';
export { eraseMaterialsOf, exportMaterialsOf } from './privacy.js';
export { progressEventsSchema, progressOutputSchema, readProgress, recordProgress } from './progress.js';
export {
  JOURNAL_MATERIALS_PAGE,
  journalMaterialContent,
  listJournalMaterials,
  saveSharedText,
  sharedMaterialSchema,
  shareMaterial,
  unshareMaterial,
} from './shares.js';
export { MATERIAL_MEDIA_TYPES } from './sniff.js';
