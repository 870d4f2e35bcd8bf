/** The public face of shared/schools: what other areas and functions/ may import (README, "Areas and their faces"). */
export { casesAbout, closeCases, commentCase, listCases, openCases, opsCaseViewSchema, schoolsInvolved } from './cases.js';
export { codeLinkViewSchema, decideCodeLink, listCodeLinks, schoolCodeLinks } from './code-links.js';
export { schoolsErrors } from './errors.js';
export { acceptInvitation, confirmInvitationClaim, createInvitation, listInvitations, readSchool, revokeInvitation } from './invitations.js';
export {
  activeMemberships,
  copyNamesToMemberships,
  endMembershipsOfClosedAccount,
  endRole,
  memberNameCopiesSchema,
  memberOrThrow,
  memberViewSchema,
  pageMemberships,
  rectifyIdentity,
  visibleMembers,
} from './members.js';
export {
  type ClassDoc,
  familyMemberSchema,
  invitableRoles,
  type InvitationView,
  invitationViewSchema,
  parentLinkStatuses,
  parentLinkViewSchema,
  privacyViewSchema,
  type SchoolDoc,
} from './model.js';
export {
  childProfile,
  confirmLink,
  countLinkRequest,
  endLink,
  endLinkTarget,
  familyLinkConfirmationSchema,
  familyLinkEndingSchema,
  familyOf,
  finishFamilyLinkConfirmation,
  finishFamilyLinkEnding,
  forgetFamilyOf,
  listLinks,
  refuseLink,
  requestByChild,
  requestByParent,
} from './parent-links.js';
export { privacyManagedByParent, privacyView, setPrivacy } from './privacy-settings.js';
