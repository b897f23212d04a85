// The college admin's screens: organizations, members (invite, CSV import), cohorts (members,
// enrolling a cohort in a course) and the progress and competency reports.

import { OrgsView } from './orgs.js';
import { MembersView } from './members.js';
import { ImportView } from './import.js';
import { CohortsView, CohortPage } from './cohorts.js';
import { ProgressReportView, CompetencyReportView } from './reports.js';

const ADMINS = ['org_admin', 'platform_admin'];

export const routes = [
  { path: '/admin/members', view: MembersView, auth: true, roles: ADMINS, title: 'admin.members.title', nav: 'admin.nav.members' },
  { path: '/admin/members/import', view: ImportView, auth: true, roles: ADMINS, title: 'admin.import.title' },
  { path: '/admin/cohorts', view: CohortsView, auth: true, roles: ADMINS, title: 'admin.cohorts.title', nav: 'admin.nav.cohorts' },
  { path: '/admin/cohorts/:id', view: CohortPage, auth: true, roles: ADMINS, title: 'admin.cohorts.title' },
  { path: '/admin/reports/progress', view: ProgressReportView, auth: true, roles: ADMINS, title: 'admin.reports.progress.title', nav: 'admin.nav.reports' },
  { path: '/admin/reports/competencies', view: CompetencyReportView, auth: true, roles: ADMINS, title: 'admin.reports.competencies.title' },
  { path: '/admin/orgs', view: OrgsView, auth: true, roles: ADMINS, title: 'admin.orgs.title', nav: 'admin.nav.orgs' },
  { path: '/admin', view: MembersView, auth: true, roles: ADMINS, title: 'admin.members.title' },
];
