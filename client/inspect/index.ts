// Watching a login in the Stately inspector (or any XState inspector) without showing it a secret.
export { createInspectionMask, maskingInspector } from './masking-inspector.js';
export type { InspectFunction, Inspector, MaskedInspector, MaskingInspectorOptions } from './masking-inspector.js';
export { createMask } from './mask.js';
export type { Mask, MaskOptions } from './mask.js';
