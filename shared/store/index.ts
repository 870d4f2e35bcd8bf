/**
 * The shop (STORE-1..7, OPS-2): catalogue, checkout, the order state machine, prepayment invoices with a gap-free
 * yearly number series, licences as per-account entitlement documents (one point read to check), ending licences
 * with refunds, and the buyer's e-mails. Payments through Maksekeskus live in ../payments.
 */
import './messages.js';

export { endOrderWorks, type EndWorksInput } from './cancellation.js';
export { catalogSnapshot, readPackage, readWork, readWorks } from './catalog.js';
export { type CheckoutInput,checkoutSchema, placeOrder, quote } from './checkout.js';
export { licencePeriod, localDate } from './dates.js';
export { expireLicences } from './expiry.js';
export { closeUnpaid, fulfilOrder, markPaid } from './fulfilment.js';
export { recordInvoicePayment } from './invoice-payments.js';
export { allocateInvoiceNumber, referenceNumber } from './invoices.js';
export { accessFrom, grantLicences, listLicences, mayOpenWork } from './licences.js';
export * from './model.js';
export { amountToCents, centsToAmount, priceOrder } from './money.js';
export { listFlaggedOrders, listOrders, type OrderKey,readOrder, transitionOrder, updateOrder } from './orders.js';
export { refundCents, type RefundRule } from './refunds.js';
export { canTransition, IllegalTransitionError, transition, transitions } from './state-machine.js';
export { handleFulfilmentMessage, queueOrderCancellation, stopDistribution } from './withdrawal.js';
