// The account screens: sign in, register, the emailed links (verify email, reset password,
// accept an invitation), and the profile.
import { SignIn } from './sign-in.js';
import { Register } from './register.js';
import { VerifyEmail } from './verify-email.js';
import { ForgotPassword, ResetPassword } from './password.js';
import { AcceptInvitation } from './invitation.js';
import { Profile } from './profile.js';

/** @type {Array<import('../lib/router.js').Route & { guestOnly?: boolean }>} */
export const routes = [
  { path: '/sign-in', view: SignIn, guestOnly: true, title: 'auth.sign_in.title' },
  { path: '/register', view: Register, guestOnly: true, title: 'auth.register.title' },
  { path: '/verify-email', view: VerifyEmail, title: 'auth.verify.title' },
  { path: '/forgot-password', view: ForgotPassword, title: 'auth.forgot.title' },
  { path: '/reset-password', view: ResetPassword, title: 'auth.reset.title' },
  { path: '/invitations/accept', view: AcceptInvitation, title: 'auth.invitation.title' },
  { path: '/profile', view: Profile, auth: true, title: 'auth.profile.title' },
];
