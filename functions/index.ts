/**
 * The app's entry point, for Azure and for the local host: every function definition, listed once.
 * A test fails when a file in functions/ is missing here, or when two functions share a name or a route + method.
 */
import { RouteTable, setRouteTable } from '../shared/http/route-table.js';
import { app } from '../shared/platform/azure-functions.js';
import { loadConfig } from '../shared/platform/config.js';
import type { FunctionDefinition, HttpDefinition } from '../shared/platform/definitions.js';
import { registerWithAzure } from '../shared/platform/register.js';
import accountsAuditList from './accounts-audit-list.js';
import accountsLoginLog from './accounts-login-log.js';
import accountsLoginsList from './accounts-logins-list.js';
import accountsLoginsUnlink from './accounts-logins-unlink.js';
import accountsMe from './accounts-me.js';
import accountsPasswordChange from './accounts-password-change.js';
import accountsPreferencesUpdate from './accounts-preferences-update.js';
import accountsProfileUpdate from './accounts-profile-update.js';
import authCallback from './auth-callback.js';
import authLogin from './auth-login.js';
import authLogout from './auth-logout.js';
import authPasswordLogin from './auth-password-login.js';
import authPasswordReset from './auth-password-reset.js';
import authPasswordResetRequest from './auth-password-reset-request.js';
import authPasswordSignup from './auth-password-signup.js';
import authPasswordVerify from './auth-password-verify.js';
import authRefresh from './auth-refresh.js';
import emailSend from './email-send.js';
import healthGet from './health-get.js';
import httpNotFound from './http-not-found.js';
import openapiGet from './openapi-get.js';
import opsAccountsGet from './ops-accounts-get.js';
import opsAccountsReinstate from './ops-accounts-reinstate.js';
import opsAccountsSuspend from './ops-accounts-suspend.js';
import schoolsGet from './schools-get.js';
import schoolsMembersEnd from './schools-members-end.js';
import schoolsMembersGet from './schools-members-get.js';
import schoolsMembersList from './schools-members-list.js';
import schoolsStudentsRectify from './schools-students-rectify.js';

export const definitions: readonly FunctionDefinition[] = [
  accountsAuditList,
  accountsLoginLog,
  accountsLoginsList,
  accountsLoginsUnlink,
  accountsMe,
  accountsPasswordChange,
  accountsPreferencesUpdate,
  accountsProfileUpdate,
  authCallback,
  authLogin,
  authLogout,
  authPasswordLogin,
  authPasswordReset,
  authPasswordResetRequest,
  authPasswordSignup,
  authPasswordVerify,
  authRefresh,
  emailSend,
  healthGet,
  httpNotFound,
  openapiGet,
  opsAccountsGet,
  opsAccountsReinstate,
  opsAccountsSuspend,
  schoolsGet,
  schoolsMembersEnd,
  schoolsMembersGet,
  schoolsMembersList,
  schoolsStudentsRectify,
];

setRouteTable(new RouteTable(definitions.filter((d): d is HttpDefinition => d.kind === 'http')));

// The local host and the tests drive the same definitions themselves; in Azure a bad setting stops the app here,
// with one message naming it, before any function is registered.
if (process.env.OPIQ_LOCAL_HOST !== '1') {
  loadConfig();
  registerWithAzure(app, definitions);
}
