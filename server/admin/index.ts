// The operators' console: a page at /admin and its API, on when operators are configured
// (ADMIN_ACCOUNTS or ADMIN_ACCOUNTS_FILE). See docs/operations.md, "The admin console".

export { createConsoleService } from './console-service.js';
export type { ConsoleService, ConsoleServiceOptions, OperatorCall, SignInProof } from './console-service.js';
export { consoleRoutes } from './routes.js';
export { hashPassword, SCRYPT_PARAMETERS, verifyPassword } from './password.js';
export type { PersonalDataExport, PersonalDataExporter } from './people.js';
export type { AdminErrorCode } from './errors.js';
