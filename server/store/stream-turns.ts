// Commands for one stream take turns within a process, so that a burst of them (a double tap,
// two pages logging in at once) does not turn into optimistic-concurrency retries: those only
// have to settle races between processes.

/** Tasks with the same key run one at a time, in arrival order; other keys run freely. */
export class TurnsByKey {
  readonly #tails = new Map<string, Promise<unknown>>();

  take<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const turn = previous.then(task);
    const tail = turn.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return turn;
  }
}
