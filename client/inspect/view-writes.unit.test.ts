// What a serializer does to a view it walks, as the browser inspector's does in Chromium:
// mark a property, then put it back. Both writes land on the view, the second as well as the
// first, and the live object never sees either.
import { describe, expect, it } from 'vitest';
import { createInspectionMask } from './masking-inspector.js';

class StateNodeLike {
  path = ['session', 'signedIn'];
  ref = this;
}

describe('a view written to by a serializer', () => {
  it('takes a mark and its undoing, and the live object keeps its own', () => {
    const live = new StateNodeLike();
    const view = createInspectionMask()(live) as unknown as Record<string, unknown>;
    const before = view['path'];
    view['path'] = '[Circular]';
    expect(view['path']).toBe('[Circular]');
    view['path'] = before;
    expect(view['path']).toEqual(['session', 'signedIn']);
    Object.defineProperty(view, 'ref', { value: '[Circular]' });
    view['ref'] = 'restored';
    expect(view['ref']).toBe('restored');
    expect(live.path).toEqual(['session', 'signedIn']);
    expect(live.ref).toBe(live);
  });
});
