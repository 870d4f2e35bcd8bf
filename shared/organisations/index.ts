/** Organisations (ACC-1): what other areas and the routes may use. */
export {
  appointFirstAdministrator,
  changeRoles,
  changeSchool,
  createPublisher,
  createSchool,
  newPublisherSchema,
  newSchoolSchema,
  publisherViewSchema,
  roleChangeSchema,
  rolesViewSchema,
  schoolChangeSchema,
  schoolView,
  schoolViewSchema,
} from './organisations.js';
