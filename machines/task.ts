// A promise actor without AbortController: XState's `fromPromise` creates one on every start
// (since 5.13), and the mini program runtime has none. Same snapshot shape and events as
// `fromPromise`; the machine's platform stubs and the client's actors are both built with it.

import type { PromiseActorLogic, PromiseSnapshot } from 'xstate';

const RESOLVE = 'xstate.promise.resolve';
const REJECT = 'xstate.promise.reject';
const STOP = 'xstate.stop';

type TaskSnapshot<O, I> = PromiseSnapshot<O, I>;

export function fromTask<TOutput, TInput = void>(
  run: (input: TInput) => PromiseLike<TOutput> | TOutput,
): PromiseActorLogic<TOutput, TInput> {
  return {
    config: run,
    transition(snapshot: TaskSnapshot<TOutput, TInput>, event): TaskSnapshot<TOutput, TInput> {
      if (snapshot.status !== 'active') return snapshot;
      switch (event.type) {
        case RESOLVE:
          return { ...snapshot, status: 'done', output: event['data'] as TOutput, input: undefined };
        case REJECT:
          return { ...snapshot, status: 'error', error: event['data'], input: undefined };
        case STOP:
          return { ...snapshot, status: 'stopped', input: undefined };
        default:
          return snapshot;
      }
    },
    start(snapshot, { self }) {
      if (snapshot.status !== 'active') return;
      let result: PromiseLike<TOutput> | TOutput;
      try {
        result = run(snapshot.input as TInput);
      } catch (error) {
        result = Promise.reject(error);
      }
      // A stopped task (its state was left) answers into the void.
      const relay = (type: string) => (data: unknown) => {
        if (self.getSnapshot().status === 'active') self.send({ type, data });
      };
      Promise.resolve(result).then(relay(RESOLVE), relay(REJECT));
    },
    getInitialSnapshot: (_scope, input) => ({ status: 'active', output: undefined, error: undefined, input }),
    getPersistedSnapshot: (snapshot) => snapshot,
    restoreSnapshot: (snapshot) => snapshot as TaskSnapshot<TOutput, TInput>,
  };
}
