// Wraps any XState inspector (the Stately inspector's `inspect`, a logger) so that what it
// receives carries no secret. Masking only the context is not enough: the events carry the
// codes and tokens too (`xstate.done.actor.wxLogin` has the code, BIND_PHONE the phone code,
// LOGIN_GONE the token), child actors hold them as input and output, and the Stately
// inspector reads `actorRef.getSnapshot()` later, when the live snapshot holds the new token.
// So every inspection event is copied with secrets masked, and each actor ref in it is
// replaced by a view that shows only what inspectors read, masked. Watching never changes what
// is watched: a view is a proxy of an object of its own, so whatever an inspector writes (a
// serializer marking what it has seen) lands there, never on the live actor; and an inspector
// that throws is reported once and ignored, so the login goes on.

import type { AnyActorRef, InspectionEvent, Observer } from 'xstate';
import type { Mask } from './mask.js';
import { createMask } from './mask.js';
import { isMasked, markMasked, type InspectFunction, type Inspector, type MaskedInspector } from './masked.js';

export type { InspectFunction, Inspector, MaskedInspector } from './masked.js';

type Indexed = Record<PropertyKey, any>;

// What an actor view exposes. Everything else (the mailbox, the actor scope, the scheduler)
// holds live events and the unmasked actor itself, so it reads as undefined; `send` too: an
// inspector only watches.
const PLAIN_ACTOR_FIELDS = /^(?:id|sessionId|systemId|_processingStatus)$/;
// Copied: the logic is the machine every actor of it shares, and a serializer that marks what
// it walked would write into its definition.
const MASKED_ACTOR_FIELDS = /^(?:_snapshot|options|_parent|src|logic)$/;
// Methods that run on the real actor: its own code must keep seeing its real snapshot.
const ACTOR_METHODS = /^toJSON$/;
// Readers whose answer is masked: the actor's and its system's.
const MASKED_READERS = /^(?:getSnapshot|getPersistedSnapshot|get|getAll)$/;

function isActorRef(value: Indexed): value is AnyActorRef {
  return typeof value.send === 'function' && typeof value.getSnapshot === 'function' && typeof value.sessionId === 'string';
}

/** A masking function whose actor refs become masked views; one numbering per inspector. */
export function createInspectionMask(): Mask {
  // Memoised, so that `event.actorRef === …` stays stable across events.
  const views = new WeakMap<object, unknown>();
  // A machine's logic is large and does not change: what inspectors read of it (its id and its
  // definition) is copied once per machine.
  const logicCopies = new WeakMap<object, unknown>();
  const copyOnce = (logic: Indexed | undefined): unknown => {
    if (!logic || typeof logic !== 'object') return logic;
    if (!logicCopies.has(logic)) logicCopies.set(logic, { id: logic.id, config: mask(logic.config) });
    return logicCopies.get(logic);
  };

  // A view reads the real object and hands out masked copies and views; whatever an inspector
  // writes stays on the view's own shell. An actor shows only what inspectors read of one; its
  // system only its readers; any other object (a machine's state nodes, say) everything, masked.
  const view = (real: Indexed, kind: 'actor' | 'system' | 'object'): unknown => {
    if (!views.has(real)) {
      const shell: Indexed = {};
      const read = (prop: string): unknown => {
        const field = real[prop];
        if (MASKED_READERS.test(prop) && kind !== 'object') return field && ((...args: unknown[]) => mask(field.apply(real, args)));
        if (kind === 'object') return typeof field === 'function' ? field.bind(real) : mask(field);
        if (kind === 'system') return undefined;
        if (PLAIN_ACTOR_FIELDS.test(prop)) return field;
        if (prop === 'logic') return copyOnce(field);
        if (MASKED_ACTOR_FIELDS.test(prop)) return mask(field);
        if (ACTOR_METHODS.test(prop)) return field && field.bind(real);
        if (prop === 'ref') return view(real, 'actor');
        if (prop === 'system') return field && view(field, 'system');
        if (prop === 'subscribe') {
          return (first: Indexed, ...rest: unknown[]) =>
            typeof first === 'function'
              ? real.subscribe((snapshot: unknown) => first(mask(snapshot)), ...rest)
              : real.subscribe({
                  error: first.error && first.error.bind(first),
                  complete: first.complete && first.complete.bind(first),
                  next: (snapshot: unknown) => first.next && first.next(mask(snapshot)),
                });
        }
        return undefined;
      };
      const shown = (prop: PropertyKey): prop is string =>
        typeof prop === 'string' && prop in real && read(prop) !== undefined;
      views.set(real, new Proxy(shell, {
        // Writes land on the shell as ordinary properties, writable again: a serializer that
        // marks a property and then puts it back (the browser inspector's) must be able to.
        set: (_, prop, value) => Reflect.defineProperty(shell, prop, { value, writable: true, enumerable: true, configurable: true }),
        defineProperty: (_, prop, descriptor) =>
          Reflect.defineProperty(shell, prop, 'get' in descriptor || 'set' in descriptor
            ? { enumerable: true, configurable: true, ...descriptor }
            : { writable: true, enumerable: true, configurable: true, ...descriptor }),
        get: (_, prop) => (Object.prototype.hasOwnProperty.call(shell, prop) ? shell[prop] : typeof prop === 'string' ? read(prop) : undefined),
        has: (_, prop) => prop in shell || shown(prop),
        ownKeys: () => [...new Set([...Reflect.ownKeys(shell), ...Reflect.ownKeys(real).filter(shown)])],
        getOwnPropertyDescriptor: (_, prop) =>
          Reflect.getOwnPropertyDescriptor(shell, prop) ??
          (shown(prop) && Object.prototype.hasOwnProperty.call(real, prop)
            ? { value: read(prop), writable: true, enumerable: true, configurable: true }
            : undefined),
      }));
    }
    return views.get(real);
  };

  const mask: Mask = createMask({
    substitute: (value) => {
      if (isActorRef(value)) return view(value, 'actor');
      if (value instanceof Date) return new Date(value.getTime());
      const proto = Object.getPrototypeOf(value);
      // Plain objects, arrays and errors are copied by the mask itself; every other object is viewed.
      return proto === Object.prototype || proto === null || Array.isArray(value) || value instanceof Error ? undefined : view(value, 'object');
    },
  });
  return mask;
}

/**
 * Wraps an XState inspector so that it sees no token, code, encrypted payload, session key or
 * phone number, in snapshots, events, actor inputs and outputs alike. Give the result to
 * `createActor(…, { inspect })` or miniauth's `inspect` option, which takes no other kind.
 * Wrapping twice is harmless.
 */
export function maskingInspector(inspect: InspectFunction, options?: MaskingInspectorOptions): MaskedInspector<InspectFunction>;
export function maskingInspector(inspect: Observer<InspectionEvent>, options?: MaskingInspectorOptions): MaskedInspector<Observer<InspectionEvent>>;
export function maskingInspector(inspect: Inspector, options?: MaskingInspectorOptions): MaskedInspector;
export function maskingInspector(inspect: Inspector, options?: MaskingInspectorOptions): MaskedInspector {
  if (isMasked(inspect)) return inspect;
  const mask = createInspectionMask();
  let reported = false;
  const report = options?.onError ?? defaultReport;
  // The inspector runs inside the actor's own calls (start, send): its failure must stay its own.
  const isolated = (call: () => void): void => {
    try {
      call();
    } catch (error) {
      if (!reported) {
        reported = true;
        report(error);
      }
    }
  };
  if (typeof inspect === 'function') return markMasked((event: InspectionEvent) => isolated(() => inspect(mask(event))));
  const observer: Observer<InspectionEvent> = { next: (event) => isolated(() => inspect.next && inspect.next(mask(event))) };
  if (inspect.error) observer.error = (error) => isolated(() => inspect.error!(mask(error)));
  if (inspect.complete) observer.complete = () => isolated(() => inspect.complete!());
  return markMasked(observer);
}

export interface MaskingInspectorOptions {
  /** Told the first error the inspector throws (default: console.error); later ones are dropped. */
  onError?: (error: unknown) => void;
}

function defaultReport(error: unknown): void {
  console.error('miniauth: the inspector threw; the login goes on without it reporting this event', error);
}
