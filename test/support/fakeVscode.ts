/**
 * A stand-in for the `vscode` module, for unit tests of extension code that only needs a few
 * of its APIs: what a test sets up is recorded (providers, commands, messages), every other
 * property or call is an inert no-op. It is no substitute for the integration suite, which runs
 * the extension in a real VS Code; it lets a guard be tested on its own, in plain node.
 */
import Module from 'node:module';

type AnyFn = (...args: unknown[]) => unknown;

/** Any property, any call, any `new`: itself. Disposable, thenable-free (no `then`). */
function inert(): unknown {
  const target = function () {
    return undefined;
  };
  const proxy: unknown = new Proxy(target, {
    get: (_t, prop) => (prop === 'then' ? undefined : prop === Symbol.toPrimitive ? () => '' : proxy),
    apply: () => proxy,
    construct: () => proxy as object,
  });
  return proxy;
}

class EventEmitter<T> {
  private listeners: ((e: T) => void)[] = [];
  readonly event = (listener: (e: T) => void): { dispose(): void } => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

class Range {
  constructor(
    readonly startLine: number,
    readonly startCharacter: number,
    readonly endLine: number,
    readonly endCharacter: number,
  ) {}
  get start(): { line: number; character: number } {
    return { line: this.startLine, character: this.startCharacter };
  }
}

class CodeLens {
  constructor(
    readonly range: Range,
    readonly command?: { title: string; command: string; arguments?: unknown[] },
  ) {}
}

class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  static parse(text: string): Uri {
    return new Uri(text.split(':')[0], text.replace(/^[a-z]+:\/\//, ''));
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, [base.path, ...parts].join('/'));
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}://${this.path}`;
  }
}

export interface FakeVscode {
  /** The module object handed to `require('vscode')`. */
  readonly api: Record<string, unknown>;
  /** What the code under test registered and showed. */
  readonly codeLensProviders: { provideCodeLenses(document: unknown): CodeLens[]; onDidChangeCodeLenses?: (l: () => void) => unknown }[];
  readonly commands: Map<string, AnyFn>;
  readonly messages: { kind: 'warning' | 'error' | 'information'; text: string }[];
  /** Calls that would touch documents. */
  openedDocuments: number;
  trusted: boolean;
  /** Fires workspace.onDidGrantWorkspaceTrust. */
  grantTrust(): void;
  /** Restores `require('vscode')` to what it was. */
  uninstall(): void;
}

/** Installs the fake as the `vscode` module for every later `require('vscode')`. */
export function installFakeVscode(): FakeVscode {
  const trustGranted = new EventEmitter<void>();
  const fake: FakeVscode = {
    api: {},
    codeLensProviders: [],
    commands: new Map(),
    messages: [],
    openedDocuments: 0,
    trusted: false,
    grantTrust: () => {
      fake.trusted = true;
      trustGranted.fire();
    },
    uninstall: () => undefined,
  };
  const message = (kind: 'warning' | 'error' | 'information') => (text: string) => {
    fake.messages.push({ kind, text });
    return Promise.resolve(undefined);
  };
  const api: Record<string, unknown> = {
    EventEmitter,
    Range,
    CodeLens,
    Uri,
    Disposable: class {
      dispose(): void {}
    },
    l10n: { t: (text: string, ...args: unknown[]) => text.replace(/\{(\d+)\}/g, (_m, i: string) => String(args[Number(i)])) },
    workspace: new Proxy(
      {
        get isTrusted() {
          return fake.trusted;
        },
        onDidGrantWorkspaceTrust: trustGranted.event,
        openTextDocument: () => {
          fake.openedDocuments++;
          return Promise.reject(new Error('the fake opens no documents'));
        },
        textDocuments: [],
      },
      { get: (t, p) => (p in t ? (t as Record<PropertyKey, unknown>)[p] : inert()) },
    ),
    languages: new Proxy(
      {
        registerCodeLensProvider: (_selector: unknown, provider: FakeVscode['codeLensProviders'][number]) => {
          fake.codeLensProviders.push(provider);
          return { dispose: () => undefined };
        },
      },
      { get: (t, p) => (p in t ? (t as Record<PropertyKey, unknown>)[p] : inert()) },
    ),
    commands: new Proxy(
      {
        registerCommand: (id: string, fn: AnyFn) => {
          fake.commands.set(id, fn);
          return { dispose: () => fake.commands.delete(id) };
        },
      },
      { get: (t, p) => (p in t ? (t as Record<PropertyKey, unknown>)[p] : inert()) },
    ),
    window: new Proxy(
      { showWarningMessage: message('warning'), showErrorMessage: message('error'), showInformationMessage: message('information') },
      { get: (t, p) => (p in t ? (t as Record<PropertyKey, unknown>)[p] : inert()) },
    ),
  };
  (fake as { api: Record<string, unknown> }).api = new Proxy(api, { get: (t, p) => (p in t ? t[p as string] : inert()) });

  const M = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = M._load;
  M._load = function (request: string, ...rest: unknown[]) {
    if (request === 'vscode') return fake.api;
    return load.call(this, request, ...rest);
  };
  fake.uninstall = () => {
    M._load = load;
  };
  return fake;
}
