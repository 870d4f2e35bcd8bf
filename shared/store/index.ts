/** The public face of shared/store: what other areas and functions/ may import (README, "Areas and their faces"). */
export { catalogSnapshot, invalidateCatalogSnapshot } from './catalog.js';
export { checkoutSchema, finishInvoiceCheckout, MAX_MONTHS, placeOrder, quote } from './checkout.js';
export { addDays, localDate } from './dates.js';
export { storeErrors } from './errors.js';
export { expireLicences } from './expiry.js';
export { closeUnpaid, flagOrder, fulfilOrder, markPaid } from './fulfilment.js';
export { recordInvoicePayment } from './invoice-payments.js';
export { hasActiveLicence, listLicences, mayOpenWork, worksOpenAt } from './licences.js';
export {
  entitlementId,
  idSchema,
  type OrderDoc,
  orderFlagSchema,
  orderIdSchema,
  orderStatuses,
  orderView,
  orderViewSchema,
  pricingSchema,
  type PublisherDoc,
  type WorkDoc,
} from './model.js';
export { amountToCents, type Country } from './money.js';
export { listFlaggedOrders, listOrders, type OrderKey, pageOrders, readOrder, resolveFlag } from './orders.js';
export {
  accountWithSchoolEntitlements,
  dropSchoolPeriods,
  entitlementsWithoutPeriods,
  handleSchoolEntitlementMessage,
  queueMemberSync,
  schoolEntitlementMessageSchema,
} from './school-entitlements.js';
export { schoolLicenceErrors } from './school-licence-errors.js';
export {
  changeSchoolLicence,
  endSchoolLicence,
  licenceChangeSchema,
  listSchoolLicences,
  newLicenceSchema,
  recordSchoolLicence,
  schoolLicenceView,
  schoolLicenceViewSchema,
} from './school-licences.js';
export { cancelWithdrawal, handleLicenceEndingMessage, licenceEndingMessageSchema, queueOrderCancellation, stopDistribution } from './withdrawal.js';
