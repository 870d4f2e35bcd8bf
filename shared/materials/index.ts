/** The materials area's public face (LRN-4): notes, bookmarks, highlights, progress, own materials and their shares. */
export {
  annotationChangeSchema,
  annotationInputSchema,
  annotationOutputSchema,
  clientIdSchema,
  contentIdSchema,
  createAnnotation,
  deleteAnnotation,
  listAnnotations,
  updateAnnotation,
} from './annotations.js';
export { materialsErrors } from './errors.js';
export { addMaterial, deleteMaterial, findMaterial, listMaterials, MAX_MATERIAL_BYTES, materialContent } from './library.js';
export { eraseMaterialsOf, exportMaterialsOf, type MaterialsExport } from './privacy.js';
export { progressEventsSchema, progressOutputSchema, readProgress, recordProgress } from './progress.js';
export { journalMaterialContent, listJournalMaterials, sharedMaterialSchema, shareMaterial, unshareMaterial } from './shares.js';
export { safeFileName } from './sniff.js';
