/**
 * The public face of shared/suspension (AUTH-5, OPS-1): suspending, restricting and reinstating an account. Its own
 * area because it acts through auth (sessions, security log) and schools (the cases their administrators see), and
 * schools already builds on auth: inside auth it made auth and schools import each other.
 */
export { blockedByRestriction, liftSuspension, suspendAccount } from './suspension.js';
