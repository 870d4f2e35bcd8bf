/** The public face of shared/privacy: what other areas and functions/ may import (README, "Areas and their faces"). */
export { anonymiseDocument } from './anonymise.js';
export { privacyErrors } from './errors.js';
export { exportDownload, exportMessageSchema, exportViewSchema, onExportReady, readExport, runExport, startExport } from './export-job.js';
export { dataRegistry, type DocumentTypeSpec, storageRules } from './registry.js';
export { readSubjectRows, type SubjectRead, subjectReadPlan, type SubjectRow } from './subject-documents.js';
export { countSubjectDocuments } from './subject-documents.js';
export { basisNames, categories, type Category, retentionText, sourceNames } from './texts.js';
