// The student's screens: catalog, course, lesson, quiz attempt, progress, certificates, and the
// public certificate verification page.
import { CatalogPage } from './catalog.js';
import { CoursePage } from './course.js';
import { LessonPage } from './lesson.js';
import { AttemptPage } from './quiz.js';
import { ProgressPage } from './progress.js';
import { CertificatesPage, VerifyPage } from './certificates.js';

export const routes = [
  { path: '/catalog', view: CatalogPage, auth: false, title: 'student.catalog.title', nav: 'student.nav.catalog' },
  { path: '/courses/:id', view: CoursePage, auth: false, title: 'student.course.title' },
  { path: '/lessons/:id', view: LessonPage, auth: true, title: 'student.lesson.title' },
  { path: '/attempts/:id', view: AttemptPage, auth: true, title: 'student.quiz.title' },
  { path: '/progress', view: ProgressPage, auth: true, title: 'student.progress.title', nav: 'student.nav.progress' },
  {
    path: '/certificates',
    view: CertificatesPage,
    auth: true,
    title: 'student.certificates.title',
    nav: 'student.nav.certificates',
  },
  { path: '/verify/:id', view: VerifyPage, auth: false, title: 'student.verify.title' },
];
