/**
 * The app's entry point, for Azure and for the local host: every function definition, listed once.
 * A test fails when a file in functions/ is missing here, or when two functions share a name or a route + method.
 */
import { createProviders } from '../shared/auth/index.js';
import { RouteTable, setRouteTable } from '../shared/http/index.js';
import { app } from '../shared/platform/azure-functions.js';
import { loadConfig } from '../shared/platform/config.js';
import type { FunctionDefinition, HttpDefinition } from '../shared/platform/definitions.js';
import { registerWithAzure } from '../shared/platform/register.js';
import { compose } from '../shared/platform/services.js';
import { onExportReady, startExport, storageRules } from '../shared/privacy/index.js';
import { moveRequest, readRequest, registerFulfilment } from '../shared/rights/index.js';
import accountsAuditList from './accounts-audit-list.js';
import accountsChildrenList from './accounts-children-list.js';
import accountsChildrenRequest from './accounts-children-request.js';
import accountsClose from './accounts-close.js';
import accountsClosureComplete from './accounts-closure-complete.js';
import accountsClosureSweep from './accounts-closure-sweep.js';
import accountsLoginLog from './accounts-login-log.js';
import accountsLoginsList from './accounts-logins-list.js';
import accountsLoginsUnlink from './accounts-logins-unlink.js';
import accountsMe from './accounts-me.js';
import accountsParentsList from './accounts-parents-list.js';
import accountsParentsRequest from './accounts-parents-request.js';
import accountsPasswordChange from './accounts-password-change.js';
import accountsPreferencesUpdate from './accounts-preferences-update.js';
import accountsPrivacyGet from './accounts-privacy-get.js';
import accountsPrivacyUpdate from './accounts-privacy-update.js';
import accountsProfileUpdate from './accounts-profile-update.js';
import accountsSessionsEnd from './accounts-sessions-end.js';
import accountsSessionsEndOthers from './accounts-sessions-end-others.js';
import accountsSessionsList from './accounts-sessions-list.js';
import aclStaffAccessWrite from './acl-staff-access-write.js';
import assistantMessagesSend from './assistant-messages-send.js';
import assistantReportsCreate from './assistant-reports-create.js';
import assistantTermsGet from './assistant-terms-get.js';
import authCallback from './auth-callback.js';
import authLink from './auth-link.js';
import authLogin from './auth-login.js';
import authLogout from './auth-logout.js';
import authPasswordLogin from './auth-password-login.js';
import authPasswordReset from './auth-password-reset.js';
import authPasswordResetRequest from './auth-password-reset-request.js';
import authPasswordSignup from './auth-password-signup.js';
import authPasswordVerify from './auth-password-verify.js';
import authRefresh from './auth-refresh.js';
import authSession from './auth-session.js';
import authSessionsRevoke from './auth-sessions-revoke.js';
import catalogList from './catalog-list.js';
import childrenConsentsList from './children-consents-list.js';
import childrenConsentsSet from './children-consents-set.js';
import childrenGet from './children-get.js';
import childrenPrivacyGet from './children-privacy-get.js';
import childrenPrivacyUpdate from './children-privacy-update.js';
import childrenProcessingGet from './children-processing-get.js';
import childrenProcessingHistory from './children-processing-history.js';
import childrenProcessingUpdate from './children-processing-update.js';
import consentsHistory from './consents-history.js';
import consentsList from './consents-list.js';
import consentsSet from './consents-set.js';
import consentsUnsubscribe from './consents-unsubscribe.js';
import consentsUnsubscribePage from './consents-unsubscribe-page.js';
import contentCatalogSearch from './content-catalog-search.js';
import contentDraftsChapterSave from './content-drafts-chapter-save.js';
import contentDraftsGet from './content-drafts-get.js';
import contentDraftsSave from './content-drafts-save.js';
import contentSearch from './content-search.js';
import contentVersionGet from './content-version-get.js';
import contentWorksCreate from './content-works-create.js';
import contentWorksGet from './content-works-get.js';
import contentWorksOpen from './content-works-open.js';
import contentWorksPublish from './content-works-publish.js';
import docsAssetGet from './docs-asset-get.js';
import docsGet from './docs-get.js';
import emailSend from './email-send.js';
import erasureRun from './erasure-run.js';
import eventsPost from './events-post.js';
import eventsRecord from './events-record.js';
import healthGet from './health-get.js';
import httpNotFound from './http-not-found.js';
import invitationsAccept from './invitations-accept.js';
import journalsMaterialsContent from './journals-materials-content.js';
import journalsMaterialsList from './journals-materials-list.js';
import learningAnswersDelete from './learning-answers-delete.js';
import learningAnswersSave from './learning-answers-save.js';
import learningChildrenHistory from './learning-children-history.js';
import learningChildrenStats from './learning-children-stats.js';
import learningChildrenTasks from './learning-children-tasks.js';
import learningFeedbackGive from './learning-feedback-give.js';
import learningHistoryMine from './learning-history-mine.js';
import learningJournalsCreate from './learning-journals-create.js';
import learningJournalsGet from './learning-journals-get.js';
import learningJournalsList from './learning-journals-list.js';
import learningJournalsStats from './learning-journals-stats.js';
import learningJournalsUpdate from './learning-journals-update.js';
import learningStatsCount from './learning-stats-count.js';
import learningStatsMine from './learning-stats-mine.js';
import learningTasksAnswersList from './learning-tasks-answers-list.js';
import learningTasksCreate from './learning-tasks-create.js';
import learningTasksGet from './learning-tasks-get.js';
import learningTasksMine from './learning-tasks-mine.js';
import learningTasksStats from './learning-tasks-stats.js';
import learningTasksTeacherGet from './learning-tasks-teacher-get.js';
import learningTasksUpdate from './learning-tasks-update.js';
import licencesAccess from './licences-access.js';
import licencesExpire from './licences-expire.js';
import licencesList from './licences-list.js';
import mailingsRun from './mailings-run.js';
import materialsAnnotationsCreate from './materials-annotations-create.js';
import materialsAnnotationsDelete from './materials-annotations-delete.js';
import materialsAnnotationsList from './materials-annotations-list.js';
import materialsAnnotationsUpdate from './materials-annotations-update.js';
import materialsContent from './materials-content.js';
import materialsDelete from './materials-delete.js';
import materialsList from './materials-list.js';
import materialsProgressGet from './materials-progress-get.js';
import materialsProgressRecord from './materials-progress-record.js';
import materialsShare from './materials-share.js';
import materialsTextsGet from './materials-texts-get.js';
import materialsTextsSave from './materials-texts-save.js';
import materialsUnshare from './materials-unshare.js';
import materialsUpload from './materials-upload.js';
import openapiGet from './openapi-get.js';
import opsAccountsGet from './ops-accounts-get.js';
import opsAccountsReinstate from './ops-accounts-reinstate.js';
import opsAccountsRoles from './ops-accounts-roles.js';
import opsAccountsSuspend from './ops-accounts-suspend.js';
import opsAssistantReportsList from './ops-assistant-reports-list.js';
import opsErasuresFind from './ops-erasures-find.js';
import opsErasuresGet from './ops-erasures-get.js';
import opsInvoicesRecordPayment from './ops-invoices-record-payment.js';
import opsJobsList from './ops-jobs-list.js';
import opsMailingsAudience from './ops-mailings-audience.js';
import opsMailingsCreate from './ops-mailings-create.js';
import opsMailingsGet from './ops-mailings-get.js';
import opsMailingsSend from './ops-mailings-send.js';
import opsOrdersCancel from './ops-orders-cancel.js';
import opsOrdersFlagResolve from './ops-orders-flag-resolve.js';
import opsOrdersFlagged from './ops-orders-flagged.js';
import opsPublishersCreate from './ops-publishers-create.js';
import opsSchoolLicencesChange from './ops-school-licences-change.js';
import opsSchoolLicencesEnd from './ops-school-licences-end.js';
import opsSchoolLicencesList from './ops-school-licences-list.js';
import opsSchoolLicencesRecord from './ops-school-licences-record.js';
import opsSchoolsCreate from './ops-schools-create.js';
import opsSchoolsFirstAdmin from './ops-schools-first-admin.js';
import opsSchoolsUpdate from './ops-schools-update.js';
import opsSupportList from './ops-support-list.js';
import opsSupportReply from './ops-support-reply.js';
import opsWorksWithdraw from './ops-works-withdraw.js';
import opsWorksWithdrawCancel from './ops-works-withdraw-cancel.js';
import paymentsMethods from './payments-methods.js';
import paymentsMethodsRefresh from './payments-methods-refresh.js';
import paymentsNotify from './payments-notify.js';
import paymentsProcess from './payments-process.js';
import paymentsReconcile from './payments-reconcile.js';
import paymentsReturn from './payments-return.js';
import privacyExportsChildGet from './privacy-exports-child-get.js';
import privacyExportsCreate from './privacy-exports-create.js';
import privacyExportsDownload from './privacy-exports-download.js';
import privacyExportsGet from './privacy-exports-get.js';
import privacyExportsRun from './privacy-exports-run.js';
import privacyProcessingGet from './privacy-processing-get.js';
import privacyProcessingHistory from './privacy-processing-history.js';
import privacyProcessingUpdate from './privacy-processing-update.js';
import retentionClosures from './retention-closures.js';
import retentionInactiveAccounts from './retention-inactive-accounts.js';
import retentionOutcomes from './retention-outcomes.js';
import rightsChildrenCancel from './rights-children-cancel.js';
import rightsChildrenCreate from './rights-children-create.js';
import rightsChildrenData from './rights-children-data.js';
import rightsChildrenList from './rights-children-list.js';
import rightsFollowup from './rights-followup.js';
import rightsFulfil, { refuseWhereAnotherSchoolHolds, registerRightsFulfillers } from './rights-fulfil.js';
import rightsHoldingsCount from './rights-holdings-count.js';
import rightsMeCancel from './rights-me-cancel.js';
import rightsMeCreate from './rights-me-create.js';
import rightsMeData from './rights-me-data.js';
import rightsMeGet from './rights-me-get.js';
import rightsMeList from './rights-me-list.js';
import rightsOpsComplete from './rights-ops-complete.js';
import rightsOpsCreate from './rights-ops-create.js';
import rightsOpsExtend from './rights-ops-extend.js';
import rightsOpsGet from './rights-ops-get.js';
import rightsOpsQueue from './rights-ops-queue.js';
import rightsOpsTransition from './rights-ops-transition.js';
import rightsProject from './rights-project.js';
import rightsSchoolCreate from './rights-school-create.js';
import rightsSchoolDecide from './rights-school-decide.js';
import rightsSchoolList from './rights-school-list.js';
import schoolEntitlementsSync from './school-entitlements-sync.js';
import schoolsAssistantUpdate from './schools-assistant-update.js';
import schoolsCasesComment from './schools-cases-comment.js';
import schoolsCasesList from './schools-cases-list.js';
import schoolsClassesCreate from './schools-classes-create.js';
import schoolsCodeLinksConfirm from './schools-code-links-confirm.js';
import schoolsCodeLinksList from './schools-code-links-list.js';
import schoolsCodeLinksRefuse from './schools-code-links-refuse.js';
import schoolsFamilyLinksConfirmFinish from './schools-family-links-confirm-finish.js';
import schoolsFamilyLinksFinish from './schools-family-links-finish.js';
import schoolsGet from './schools-get.js';
import schoolsInvitationsConfirmClaim from './schools-invitations-confirm-claim.js';
import schoolsInvitationsCreate from './schools-invitations-create.js';
import schoolsInvitationsList from './schools-invitations-list.js';
import schoolsInvitationsRevoke from './schools-invitations-revoke.js';
import schoolsLicencesList from './schools-licences-list.js';
import schoolsMemberNamesCopy from './schools-member-names-copy.js';
import schoolsMembersClose from './schools-members-close.js';
import schoolsMembersEnd from './schools-members-end.js';
import schoolsMembersGet from './schools-members-get.js';
import schoolsMembersList from './schools-members-list.js';
import schoolsMpassidUpdate from './schools-mpassid-update.js';
import schoolsParentLinksConfirm from './schools-parent-links-confirm.js';
import schoolsParentLinksEnd from './schools-parent-links-end.js';
import schoolsParentLinksList from './schools-parent-links-list.js';
import schoolsParentLinksRefuse from './schools-parent-links-refuse.js';
import schoolsStudentsRectify from './schools-students-rectify.js';
import sendgridEvents from './sendgrid-events.js';
import statsMunicipality from './stats-municipality.js';
import statsMunicipalityCsv from './stats-municipality-csv.js';
import statsNational from './stats-national.js';
import statsNationalCsv from './stats-national-csv.js';
import statsPublisher from './stats-publisher.js';
import statsPublisherCsv from './stats-publisher-csv.js';
import storeLicenceEndings from './store-licence-endings.js';
import storeOrdersCreate from './store-orders-create.js';
import storeOrdersGet from './store-orders-get.js';
import storeOrdersList from './store-orders-list.js';
import storeQuote from './store-quote.js';
import supportRequestsCreate from './support-requests-create.js';
import supportRequestsList from './support-requests-list.js';
import supportRequestsMessage from './support-requests-message.js';
import webhooksSendgrid from './webhooks-sendgrid.js';

export const definitions: readonly FunctionDefinition[] = [
  accountsAuditList,
  aclStaffAccessWrite,
  accountsChildrenList,
  accountsChildrenRequest,
  accountsLoginLog,
  accountsLoginsList,
  accountsLoginsUnlink,
  accountsSessionsList,
  accountsSessionsEnd,
  accountsSessionsEndOthers,
  accountsMe,
  accountsParentsList,
  accountsParentsRequest,
  accountsPasswordChange,
  accountsPreferencesUpdate,
  accountsPrivacyGet,
  accountsPrivacyUpdate,
  accountsProfileUpdate,
  assistantMessagesSend,
  assistantReportsCreate,
  assistantTermsGet,
  authCallback,
  authLink,
  authLogin,
  authLogout,
  authPasswordLogin,
  authPasswordReset,
  authPasswordResetRequest,
  authPasswordSignup,
  authPasswordVerify,
  authRefresh,
  authSession,
  catalogList,
  childrenGet,
  childrenPrivacyGet,
  childrenPrivacyUpdate,
  contentCatalogSearch,
  contentDraftsChapterSave,
  contentDraftsGet,
  contentDraftsSave,
  contentSearch,
  contentVersionGet,
  contentWorksCreate,
  contentWorksGet,
  contentWorksOpen,
  contentWorksPublish,
  docsAssetGet,
  docsGet,
  emailSend,
  erasureRun,
  eventsPost,
  eventsRecord,
  healthGet,
  httpNotFound,
  invitationsAccept,
  journalsMaterialsContent,
  journalsMaterialsList,
  materialsAnnotationsCreate,
  materialsAnnotationsDelete,
  materialsAnnotationsList,
  materialsAnnotationsUpdate,
  materialsContent,
  materialsDelete,
  materialsList,
  materialsProgressGet,
  materialsProgressRecord,
  materialsShare,
  materialsUnshare,
  materialsTextsGet,
  materialsTextsSave,
  materialsUpload,
  learningAnswersDelete,
  learningAnswersSave,
  learningChildrenHistory,
  learningChildrenTasks,
  learningFeedbackGive,
  learningHistoryMine,
  learningJournalsCreate,
  learningJournalsGet,
  learningJournalsList,
  learningJournalsStats,
  learningJournalsUpdate,
  learningTasksAnswersList,
  learningTasksCreate,
  learningTasksGet,
  learningTasksMine,
  learningChildrenStats,
  learningStatsCount,
  learningStatsMine,
  learningTasksStats,
  learningTasksTeacherGet,
  learningTasksUpdate,
  licencesAccess,
  licencesExpire,
  licencesList,
  openapiGet,
  opsAccountsGet,
  opsAccountsReinstate,
  opsAccountsSuspend,
  opsInvoicesRecordPayment,
  opsErasuresFind,
  opsErasuresGet,
  opsAssistantReportsList,
  opsJobsList,
  opsOrdersCancel,
  opsOrdersFlagResolve,
  opsOrdersFlagged,
  opsSupportList,
  opsSupportReply,
  opsWorksWithdraw,
  opsWorksWithdrawCancel,
  paymentsMethods,
  paymentsMethodsRefresh,
  paymentsNotify,
  paymentsProcess,
  paymentsReconcile,
  paymentsReturn,
  schoolsGet,
  schoolsInvitationsConfirmClaim,
  schoolsInvitationsCreate,
  schoolsInvitationsList,
  schoolsInvitationsRevoke,
  schoolsMembersEnd,
  // PRIV-4, PRIV-6, PRIV-8 (p-consent)
  accountsClose,
  accountsClosureComplete,
  accountsClosureSweep,
  authSessionsRevoke,
  childrenProcessingGet,
  childrenProcessingHistory,
  childrenProcessingUpdate,
  childrenConsentsList,
  childrenConsentsSet,
  consentsHistory,
  consentsList,
  consentsSet,
  consentsUnsubscribe,
  consentsUnsubscribePage,
  privacyProcessingGet,
  privacyProcessingHistory,
  privacyProcessingUpdate,
  schoolsMembersClose,
  schoolsMembersGet,
  schoolsMembersList,
  schoolsAssistantUpdate,
  schoolsCasesComment,
  schoolsCasesList,
  schoolsCodeLinksConfirm,
  schoolsCodeLinksList,
  schoolsCodeLinksRefuse,
  schoolsParentLinksConfirm,
  schoolsParentLinksEnd,
  schoolsParentLinksList,
  schoolsParentLinksRefuse,
  schoolsFamilyLinksConfirmFinish,
  schoolsFamilyLinksFinish,
  schoolsMemberNamesCopy,
  schoolsStudentsRectify,
  statsMunicipality,
  statsMunicipalityCsv,
  statsNational,
  statsNationalCsv,
  statsPublisher,
  statsPublisherCsv,
  storeLicenceEndings,
  storeOrdersCreate,
  storeOrdersGet,
  storeOrdersList,
  storeQuote,
  supportRequestsCreate,
  supportRequestsList,
  supportRequestsMessage,
  privacyExportsCreate,
  privacyExportsGet,
  privacyExportsChildGet,
  privacyExportsDownload,
  privacyExportsRun,
  opsAccountsRoles,
  opsPublishersCreate,
  opsSchoolLicencesChange,
  opsSchoolLicencesEnd,
  opsSchoolLicencesList,
  opsSchoolLicencesRecord,
  opsSchoolsCreate,
  opsSchoolsFirstAdmin,
  opsSchoolsUpdate,
  retentionClosures,
  retentionInactiveAccounts,
  retentionOutcomes,
  rightsChildrenCancel,
  rightsChildrenCreate,
  rightsChildrenData,
  rightsChildrenList,
  rightsFollowup,
  rightsMeCancel,
  rightsMeCreate,
  rightsMeData,
  rightsMeGet,
  rightsMeList,
  rightsFulfil,
  rightsHoldingsCount,
  rightsProject,
  rightsOpsComplete,
  rightsOpsCreate,
  rightsOpsExtend,
  rightsOpsGet,
  rightsOpsQueue,
  rightsOpsTransition,
  rightsSchoolCreate,
  rightsSchoolDecide,
  rightsSchoolList,
  schoolEntitlementsSync,
  schoolsLicencesList,
  schoolsClassesCreate,
  // MKT-1, MKT-2 (issue 15)
  opsMailingsCreate,
  opsMailingsGet,
  opsMailingsAudience,
  opsMailingsSend,
  mailingsRun,
  webhooksSendgrid,
  sendgridEvents,
  schoolsMpassidUpdate,
];

setRouteTable(new RouteTable(definitions.filter((d): d is HttpDefinition => d.kind === 'http')));

// Platform imports no area: the app's services in Azure get the registry's storage rules and auth's sign-in
// providers from here (the local host and the tests install their own services).
compose({ storage: storageRules, areaServices: ({ config }) => ({ identityProviders: createProviders(config) }) });
// Rights carries out the requests other areas can fulfil (PRIV-7); neither side imports the other.
registerRightsFulfillers();

// Issue 12: the export (privacy) fulfils export requests (rights), and a ready export closes its request; neither area
// imports the other. The zip is the subject's data; the requester (a parent for a child) is who asked.
registerFulfilment('export', async (services, request) => {
  await refuseWhereAnotherSchoolHolds(services, request);
  await startExport(services, { subjectAccountId: request.accountId, requestedBy: request.requester.accountId, requestId: request.id });
});
onExportReady(async (services, ready) => {
  if (!ready.requestId || (await readRequest(services, ready.requestId))?.state !== 'processing') return;
  await moveRequest(services, {
    requestId: ready.requestId,
    to: 'done',
    by: 'system',
    capacity: 'system',
    reason: 'The export is ready to download for 7 days.',
  });
});

// The local host and the tests drive the same definitions themselves; in Azure a bad setting stops the app here,
// with one message naming it, before any function is registered.
if (process.env.OPIQ_LOCAL_HOST !== '1') {
  loadConfig();
  registerWithAzure(app, definitions);
}
