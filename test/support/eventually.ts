// Retries an assertion until it holds or time runs out. For readers of the whole event log:
// it shows a transaction only once every older one in the cluster has ended, so a test that
// runs beside others may see its own events a moment late (never out of order, never twice).

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
