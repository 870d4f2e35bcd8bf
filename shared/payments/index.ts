/**
 * Payments through Maksekeskus (STORE-3, PAY-1..3): the API client, the MAC, receiving messages (store first, then
 * queue), processing them against the API and the order, the cached method list, and the reconcile safety net.
 */
export { extractMessage, type Received,receivePaymentMessage, reportedPayerAccount } from './inbound.js';
export { computeMac, verifyMac } from './mac.js';
export { createMaksekeskusClient, type MaksekeskusClient,maksekeskusClient, MaksekeskusError, maksekeskusSettings } from './maksekeskus.js';
export { paymentMethods, refreshPaymentMethods } from './methods.js';
export { type ProcessOutcome,processTransaction } from './process.js';
export { reconcileOrders } from './reconcile.js';
