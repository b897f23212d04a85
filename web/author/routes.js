// The instructors' screens: their courses, the course editor, lessons, quizzes and questions,
// the essay grading queue and the quiz report.

import { MyCourses, NewCourse } from './courses.js';
import { CourseEditor } from './editor.js';
import { NewLesson, EditLesson } from './lesson.js';
import { NewQuiz, QuizEditor } from './quiz.js';
import { GradingQueue } from './grading.js';
import { QuizReportView } from './report.js';

/** Who may author: instructors and org admins of an organization, and platform admins. */
const roles = ['instructor', 'org_admin', 'platform_admin'];

export const routes = [
  { path: '/author', view: MyCourses, auth: true, roles, title: 'author.courses.title', nav: 'author.nav.courses' },
  { path: '/author/new', view: NewCourse, auth: true, roles, title: 'author.new.title' },
  { path: '/author/courses/:id', view: CourseEditor, auth: true, roles, title: 'author.editor.title' },
  { path: '/author/modules/:moduleId/lessons/new', view: NewLesson, auth: true, roles, title: 'author.lesson.new' },
  { path: '/author/lessons/:id', view: EditLesson, auth: true, roles, title: 'author.lesson.edit' },
  { path: '/author/modules/:moduleId/quiz/new', view: NewQuiz, auth: true, roles, title: 'author.quiz.new' },
  { path: '/author/quizzes/:id', view: QuizEditor, auth: true, roles, title: 'author.quiz.title' },
  { path: '/author/quizzes/:id/grading', view: GradingQueue, auth: true, roles, title: 'author.grading.title' },
  { path: '/author/quizzes/:id/report', view: QuizReportView, auth: true, roles, title: 'author.report.title' },
];
