/** The public face of shared/support: what other areas and functions/ may import (README, "Areas and their faces"). */
export { supportErrors } from './errors.js';
export {
  addMessage,
  listRequests,
  notifyAnswered,
  openRequest,
  supportRequestStaffView,
  supportRequestStaffViewSchema,
  supportRequestView,
  supportRequestViewSchema,
} from './requests.js';
