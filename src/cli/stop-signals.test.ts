/**
 * In a child process of its own: the test runner takes SIGTERM and SIGINT in its processes, so a
 * signal sent to this one would cancel the tests instead of reaching the code under test.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { describe, it } from 'node:test';

const moduleUrl = new URL('./stop-signals.ts', import.meta.url).href;

interface Child {
  process: ChildProcess;
  /** Resolves once the child has printed a line matching `pattern`. */
  printed(pattern: RegExp): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
}

function startChild(body: string): Child {
  const code = `import { holdStopSignals } from ${JSON.stringify(moduleUrl)};\n${body}`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  const waiting: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    for (const w of waiting.filter((w) => w.pattern.test(output))) w.resolve();
  });
  return {
    process: child,
    printed: (pattern) => (pattern.test(output) ? Promise.resolve() : new Promise((resolve) => waiting.push({ pattern, resolve }))),
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, output }))),
  };
}

describe('holdStopSignals', () => {
  it('keeps a SIGTERM that arrives while the process starts, and stops the way it is told once it is ready', async () => {
    const child = startChild(`
      const stop = holdStopSignals();
      console.log('starting');
      // "Starting": the stop is not known until the signal has arrived.
      const ready = setInterval(() => {
        if (!stop.requested) return;
        clearInterval(ready);
        stop.handleWith(() => { console.log('stopping'); process.exit(0); });
      }, 10);
    `);
    await child.printed(/starting/);
    child.process.kill('SIGTERM');
    const { code, signal, output } = await child.exited;
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, 'exited by itself, not by the signal');
    assert.match(output, /stopping/);
  });

  it('runs a stop given before the signal once, though SIGINT from a terminal and SIGTERM from a primary both arrive', async () => {
    const child = startChild(`
      const stop = holdStopSignals();
      let stops = 0;
      stop.handleWith(() => { console.log('stop ' + ++stops); setTimeout(() => process.exit(0), 300); });
      console.log('ready');
      setInterval(() => {}, 1000); // serving
    `);
    await child.printed(/ready/);
    child.process.kill('SIGINT');
    await child.printed(/stop 1/);
    child.process.kill('SIGTERM');
    const { code, signal, output } = await child.exited;
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, 'the stop finished: the second signal did not cut it short');
    assert.doesNotMatch(output, /stop 2/);
  });

  it('lets the same signal a second time end the process, so that a stuck stop can be cut short', async () => {
    const child = startChild(`
      const stop = holdStopSignals();
      stop.handleWith(() => console.log('stopping'));
      console.log('ready');
      setInterval(() => {}, 1000); // a stop that never finishes
    `);
    await child.printed(/ready/);
    child.process.kill('SIGTERM');
    await child.printed(/stopping/);
    child.process.kill('SIGTERM');
    const { signal } = await child.exited;
    assert.equal(signal, 'SIGTERM');
  });
});
