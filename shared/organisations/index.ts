/** Organisations (ACC-1): what other areas and the routes may use. */
export { organisationErrors } from './errors.js';
export {
  appointFirstAdministrator,
  changeRoles,
  changeSchool,
  classView,
  classViewSchema,
  createClass,
  createPublisher,
  createSchool,
  newClassSchema,
  newPublisherSchema,
  newSchoolSchema,
  publisherViewSchema,
  roleChangeSchema,
  rolesViewSchema,
  schoolChangeSchema,
  schoolView,
  schoolViewSchema,
} from './organisations.js';
