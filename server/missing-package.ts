// The server's packages are optional peer dependencies of miniauth (a client-only install pulls
// nothing but xstate): a dynamic import of one that is not installed fails with this.

/** Whether `error` is Node's "Cannot find package '<name>'" for the package named. */
export function isMissingPackage(error: unknown, name: string): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && error.message.includes(`'${name}'`);
}
