// Retries an assertion until it holds or time runs out. For readers of the whole event log:
// it shows a transaction only once every older one in the cluster has ended, so a test that
// runs beside others may see its own events a moment late (never out of order, never twice).
// Also for a message crossing Redis, a renewal landing, a fault being taken.
//
// The default deadline is for a condition that never comes: what is waited for takes
// milliseconds alone and a second or two on a busy machine, and 10 s stays under the 30 s test
// timeout, so a failure shows the check's own message.

export async function eventually(check: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
