// Lights the active states in the generated chart (docs/diagrams/machine.svg). Graphviz titles
// each atomic state's node with its state id (`login.session.signedIn`) and each compound
// state's cluster with `cluster_` + its id, so the snapshot's value names what to light.

import type { Element } from './dom.js';

/** Every active state id of a snapshot value, parents first: `{ session: 'signedIn' }` → login.session, login.session.signedIn. */
export function activeStateIds(value: unknown, parent = 'login'): string[] {
  if (typeof value === 'string') return [`${parent}.${value}`];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => [
    `${parent}.${key}`,
    ...activeStateIds(child, `${parent}.${key}`),
  ]);
}

export class ChartLights {
  private readonly shapes = new Map<string, Element>();
  private lit: Element[] = [];

  constructor(private readonly container: Element) {
    for (const group of container.querySelectorAll('g.node, g.cluster')) {
      const title = group.querySelector('title')?.textContent ?? '';
      this.shapes.set(title.replace(/^cluster_/, ''), group);
    }
  }

  /** Lights these states (the rest go dark) and brings the innermost one into view. */
  show(stateIds: readonly string[]): void {
    for (const shape of this.lit) shape.classList.remove('lit');
    this.lit = stateIds.flatMap((id) => this.shapes.get(id) ?? []);
    for (const shape of this.lit) shape.classList.add('lit');
    const innermost = this.lit[this.lit.length - 1];
    if (innermost) this.centre(innermost);
  }

  private centre(shape: Element): void {
    const box = shape.getBoundingClientRect();
    const frame = this.container.getBoundingClientRect();
    this.container.scrollLeft += box.left + box.width / 2 - (frame.left + this.container.clientWidth / 2);
    this.container.scrollTop += box.top + box.height / 2 - (frame.top + this.container.clientHeight / 2);
  }
}
