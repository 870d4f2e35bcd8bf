/**
 * Payments through Maksekeskus (STORE-3, PAY-1..3): the API client, the MAC, receiving messages (store first, then
 * queue), processing them against the API and the order, the cached method list, and the reconcile safety net.
 */
export { extractMessage, receivePaymentMessage, reportedPayerAccount, type Received } from './inbound.js';
export { computeMac, verifyMac } from './mac.js';
export { createMaksekeskusClient, maksekeskusClient, maksekeskusSettings, MaksekeskusError, type MaksekeskusClient } from './maksekeskus.js';
export { paymentMethods, refreshPaymentMethods } from './methods.js';
export { processTransaction, type ProcessOutcome } from './process.js';
export { reconcileOrders } from './reconcile.js';
