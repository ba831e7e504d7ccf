export type { BindPhone, EraseUser, LogIn, Profile, RevokeSessions, UpdateProfile, UserCommand } from './commands.js';
export type {
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
export type { ActiveUser, ErasedUser, UserState } from './decider.js';
export { InvalidUserDataError, UserErasedError, UserNotFoundError } from './errors.js';
export { userIdFor, userStreamId } from './identity.js';
export { createUserEventStore, handleUserCommand } from './handler.js';
export type { HandleOptions, UserCommandResult } from './handler.js';
export {
  evolveUserRow,
  findUserById,
  findUserByOpenid,
  rebuildUsers,
  usersProjection,
  USERS_PROJECTION_EVENTS,
} from './usersProjection.js';
export type { UserRow } from './usersProjection.js';
export { saveSessionKeyPart, SessionKeys } from './sessionKeys.js';
export { readUserSnapshot, stateFromRow } from './snapshot.js';
export type { UserSnapshot } from './snapshot.js';
export {
  catchUpLoginFailures,
  listLoginFailures,
  loginFailuresProjection,
  recordLoginFailure,
} from './loginFailures.js';
export type { LoginFailure, LoginFailureRow } from './loginFailures.js';
export { Users } from './users.js';
export type { LogInResult } from './users.js';
