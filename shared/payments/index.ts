/** The public face of shared/payments: what other areas and functions/ may import (README, "Areas and their faces"). */
export { paymentsErrors } from './errors.js';
export { paymentMessageQuery, processQueueMessageSchema, receiveFromRequest, rejectionCodes } from './inbound.js';
export { paymentMethods, refreshPaymentMethods } from './methods.js';
export { processTransaction } from './process.js';
export { reconcileOrders } from './reconcile.js';
