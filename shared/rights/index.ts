/** The public face of shared/rights: what other areas and functions/ may import (README, "Areas and their faces"). */
export { rightsErrors } from './errors.js';
export { followUpRequests } from './followup.js';
export { type Fulfiller, fulfilmentOf, registerFulfilment } from './fulfilment.js';
export { holdingsOf, holdingsViewSchema } from './holdings.js';
export {
  MAX_EXTENSION_DAYS,
  officerView,
  officerViewSchema,
  queueEntryView,
  queueEntryViewSchema,
  requestStates,
  requestTypes,
  requestView,
  requestViewSchema,
  type RightsRequestDoc,
  schoolEntryView,
  schoolEntryViewSchema,
} from './model.js';
export { extendRequest, listRequestsAbout, moveRequest, officerQueue, openRequest, readRequest, schoolRequests } from './requests.js';
