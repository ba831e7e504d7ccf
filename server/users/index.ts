// The users domain: a person's events, the decider that makes them, the record they fold into,
// and the repository over the event store.

export type {
  BindPhone,
  EraseUser,
  LogIn,
  Profile,
  ProfileReview,
  RecordConsent,
  RecordPhoneFailure,
  RecordReview,
  ReportPhoneUnavailable,
  ReviewResult,
  RevokeSessions,
  UpdateProfile,
  UserCommand,
} from './commands.js';
export type {
  ConsentDecision,
  ConsentRecorded,
  PhoneNumberNotBound,
  PhoneNumberUnavailable,
  ProfileReviewDeferred,
  ProfileReviewPassed,
  ProfileReviewRefused,
  ProfileReviewRequested,
  ReviewCheck,
  ReviewedField,
  ReviewState,
  PhoneNumberBound,
  ProfileSource,
  ProfileUpdated,
  SessionsRevoked,
  UserErased,
  UserEvent,
  UserEventMetadata,
  UserEventType,
  UserLoggedIn,
  UserRegistered,
} from './events.js';
export { USER_EVENT_TYPES } from './events.js';
export { decide, evolve, initialState, stateFrom } from './decider.js';
export type { UserState } from './decider.js';
export { InvalidUserDataError, PhoneNumberTakenError, UserErasedError, UserNotFoundError } from './errors.js';
export type { UserErrorCode } from './errors.js';
export { userIdFor, userStreamId, USER_STREAM_PREFIX } from './identity.js';
export { USER_COLUMNS, isErased, isLive } from './user.js';
export type { Identity, User } from './user.js';
export { absorbedInto, rebuildIdentities } from './identities.js';
export { survivorOf } from './persons.js';
export { userStream } from './user-stream.js';
export { createUserEventStore, findUserById, findUserByOpenid, Users } from './users.js';
export type { LogInOutcome, UserCommandOptions, UserCommandResult } from './users.js';
export { saveSessionKeyPart, SessionKeys } from './session-keys.js';
export {
  catchUpLoginFailures,
  listLoginFailures,
  loginFailuresProjection,
  recordLoginFailure,
} from './login-failures.js';
export type { FailedLogin, FailedLoginRow } from './login-failures.js';
