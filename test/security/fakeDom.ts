// Just enough of a DOM for the report panel's render code (src/webview) to run in Node: elements
// with attributes, children and text, no layout. It lets a test draw the whole page from a report
// and read back what the reader would see.
/* eslint-disable @typescript-eslint/no-explicit-any */

class FakeNode {
  parent: FakeElement | null = null;
  constructor(public text = '') {}
  get textContent(): string {
    return this.text;
  }
}

class FakeElement extends FakeNode {
  readonly attributes = new Map<string, string>();
  children: FakeNode[] = [];
  readonly dataset: Record<string, string> = {};
  readonly listeners: string[] = [];
  readonly classList = { add: (c: string) => this.setAttribute('class', `${this.attributes.get('class') ?? ''} ${c}`.trim()) };
  shadowRoot = null;
  constructor(readonly tagName: string) {
    super();
  }
  setAttribute(k: string, v: string): void {
    this.attributes.set(k, String(v));
  }
  getAttribute(k: string): string | null {
    return this.attributes.get(k) ?? null;
  }
  append(...nodes: (FakeNode | string)[]): void {
    for (const n of nodes) {
      const node = typeof n === 'string' ? new FakeNode(n) : n;
      node.parent = this;
      this.children.push(node);
    }
  }
  prepend(...nodes: (FakeNode | string)[]): void {
    const old = this.children;
    this.children = [];
    this.append(...nodes);
    this.children.push(...old);
  }
  appendChild(n: FakeNode): FakeNode {
    this.append(n);
    return n;
  }
  replaceChildren(...nodes: (FakeNode | string)[]): void {
    this.children = [];
    this.append(...nodes);
  }
  addEventListener(type: string): void {
    this.listeners.push(type);
  }
  querySelector(): null {
    return null;
  }
  querySelectorAll(): FakeElement[] {
    return [];
  }
  closest(): null {
    return null;
  }
  focus(): void {}
  click(): void {}
  override get textContent(): string {
    return this.children.map((c) => c.textContent).join('');
  }
  override set textContent(v: string) {
    this.children = [new FakeNode(String(v))];
  }
  set className(v: string) {
    this.setAttribute('class', v);
  }
}

/** The #app element (the root tsconfig has no DOM types: the render code takes it as its HTMLElement). */
export type FakeApp = object;

/** Every text node and attribute value under `el`: what a reader (or screen reader) meets. */
export function allText(el: unknown): string[] {
  const out: string[] = [];
  const walk = (n: FakeNode): void => {
    if (n instanceof FakeElement) {
      out.push(...n.attributes.values());
      for (const v of Object.values(n)) if (typeof v === 'string' && v !== n.tagName) out.push(v);
      n.children.forEach(walk);
    } else out.push(n.text);
  };
  walk(el as FakeNode);
  return out;
}

/** Installs document, window, CSS and requestAnimationFrame; returns the #app element and a remover. */
export function installFakeDom(): { app: FakeApp; remove(): void } {
  const g = globalThis as any;
  const saved = { document: g.document, window: g.window, CSS: g.CSS, requestAnimationFrame: g.requestAnimationFrame, ResizeObserver: g.ResizeObserver };
  const app = new FakeElement('div');
  g.document = {
    createElement: (tag: string) => new FakeElement(tag),
    createElementNS: (_ns: string, tag: string) => new FakeElement(tag),
    createTextNode: (text: string) => new FakeNode(text),
    activeElement: null,
    getElementById: () => app,
  };
  g.window = { scrollY: 0, scrollTo: () => undefined };
  g.CSS = { escape: (s: string) => s };
  g.requestAnimationFrame = (f: () => void) => f();
  g.ResizeObserver = class {
    observe(): void {}
    disconnect(): void {}
  };
  return {
    app,
    remove: () => Object.assign(g, saved),
  };
}

/**
 * The panel's web components (@vscode-elements) define custom elements at import time, which
 * needs a browser; the render code only creates them by tag name, so here they load as nothing.
 */
export function stubWebComponents(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Module = require('node:module') as any;
  if (Module.__natprobeStubbed) return;
  Module.__natprobeStubbed = true;
  const load = Module._load;
  Module._load = function (request: string, ...rest: unknown[]) {
    if (request.startsWith('@vscode-elements/')) return {};
    return load.call(this, request, ...rest);
  };
}
