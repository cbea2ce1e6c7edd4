// The suite's result events as the runner receives them: console lines and the results file, deduplicated
// (the same event may arrive by both), printed as they come, counted at the end.
import { existsSync, readFileSync } from 'node:fs';
import protocol from '../../test/integration/consoleProtocol.cjs';
import { seconds } from './lib.mjs';

export class SuiteResults {
  /**
   * @param {(...a: unknown[]) => void} log
   * @param {Record<string, number>} timings filled with suiteStart, pageToSuiteStart and suite
   */
  constructor(log, timings) {
    this.log = log;
    this.timings = timings;
    this.events = [];
    this.seen = new Set();
    /** When the code-server runner started loading the workbench page (0: not that runner). */
    this.pageStart = 0;
  }
  /** Feeds one line of the extension host's console; false when it is not a result line. */
  line(text) {
    const e = protocol.parseResultLine(text);
    if (!e) return false;
    this.add(e);
    return true;
  }
  add(e) {
    const key = JSON.stringify(e);
    if (this.seen.has(key)) return; // the same event may arrive by two paths
    this.seen.add(key);
    this.events.push(e);
    const timings = this.timings;
    if (e.event === 'start') {
      timings.suiteStart = Date.now();
      if (this.pageStart) timings.pageToSuiteStart = timings.suiteStart - this.pageStart;
      this.log(`suite started: ${e.total} test(s)${this.pageStart ? ` ${seconds(timings.pageToSuiteStart)} after opening the page` : ''}`);
    }
    else if (e.event === 'pass') console.log(`  ✓ ${e.title} (${e.durationMs ?? 0} ms)`);
    else if (e.event === 'fail') console.log(`  ✗ ${e.title}\n${indent(e.error ?? '', '      ')}`);
    else if (e.event === 'pending') console.log(`  - ${e.title} (skipped)`);
    else if (e.event === 'end') timings.suite = Date.now() - (timings.suiteStart ?? Date.now());
  }
  addFile(file) {
    if (!existsSync(file)) return;
    try {
      for (const e of JSON.parse(readFileSync(file, 'utf8')).events ?? []) this.add(e);
    } catch {
      /* partial file: the console lines are the other source */
    }
  }
  get end() {
    return this.events.find((e) => e.event === 'end');
  }
  counts() {
    const n = (k) => this.events.filter((e) => e.event === k).length;
    return { passed: n('pass'), failed: n('fail'), skipped: n('pending') };
  }
}

function indent(text, pad) {
  return text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}
