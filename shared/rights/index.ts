/** The public face of shared/rights: what other areas and functions/ may import (README, "Areas and their faces"). */
export { rightsErrors } from './errors.js';
export { followUpRequests } from './followup.js';
export { type Fulfiller, fulfilmentMessageSchema, fulfilmentOf, registerFulfilment } from './fulfilment.js';
export { holdingsViewSchema } from './holdings.js';
export { countHoldings, holdingsCountMessageSchema, holdingsView } from './holdings-counts.js';
export {
  MAX_EXTENSION_DAYS,
  officerView,
  officerViewSchema,
  queueEntryView,
  queueEntryViewSchema,
  requestScopeSchema,
  requestStates,
  requestTypes,
  requestView,
  requestViewSchema,
  type RightsRequestDoc,
  schoolEntryView,
  schoolEntryViewSchema,
  withdrawablePurposes,
} from './model.js';
export { noticeTables, recordOfProcessing } from './notice-tables.js';
export {
  extendRequest,
  fulfilRequest,
  listRequestsAbout,
  moveRequest,
  officerQueue,
  openRequest,
  projectionMessageSchema,
  projectWithdrawal,
  readRequest,
  schoolRequests,
} from './requests.js';
