// The mark a masked inspector carries, and the check the SDK makes before it lets one watch.
// Only this ships in the mini program bundle; the masking itself (./masking-inspector.ts) is
// loaded by the development builds that import it.

import type { InspectionEvent, Observer } from 'xstate';

export type InspectFunction = (event: InspectionEvent) => void;
export type Inspector = InspectFunction | Observer<InspectionEvent>;

const MASKED = Symbol.for('miniauth.maskedInspector');

/** An inspector that sees secrets masked: what `maskingInspector` returns. */
export type MaskedInspector<I extends Inspector = Inspector> = I & { readonly [MASKED]: true };

export function markMasked<I extends Inspector>(inspector: I): MaskedInspector<I> {
  Object.defineProperty(inspector, MASKED, { value: true });
  return inspector as MaskedInspector<I>;
}

export function isMasked(inspector: unknown): inspector is MaskedInspector {
  return (typeof inspector === 'function' || (typeof inspector === 'object' && inspector !== null)) && (inspector as Record<symbol, unknown>)[MASKED] === true;
}
