import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TurnBatch } from './turn-batch.js';

const turnEnd = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('a turn batch', () => {
  it('runs the callbacks deferred in a turn after the code of that turn, in the order they came', async () => {
    const turn = new TurnBatch();
    const seen: string[] = [];
    turn.defer(() => seen.push('a'));
    turn.defer(() => seen.push('b'));
    seen.push('sync');
    await Promise.resolve();
    seen.push('microtask');
    await turnEnd();
    assert.deepEqual(seen, ['sync', 'microtask', 'a', 'b']);
  });

  it('runs a callback deferred while the batch runs in the next turn, with that turn’s batch', async () => {
    const turn = new TurnBatch();
    const seen: string[] = [];
    turn.defer(() => {
      seen.push('first turn');
      turn.defer(() => seen.push('deferred from the batch'));
    });
    await turnEnd();
    assert.deepEqual(seen, ['first turn']);
    turn.defer(() => seen.push('second turn'));
    await turnEnd();
    await turnEnd();
    assert.deepEqual(seen, ['first turn', 'deferred from the batch', 'second turn']);
  });

  it('fails a throwing callback as an uncaught exception and still runs the ones after it', () => {
    // In a process of its own: the exception is meant to be uncaught.
    const module = fileURLToPath(new URL('./turn-batch.ts', import.meta.url));
    const script = `
      const { TurnBatch } = await import(${JSON.stringify(module)});
      const seen = [];
      process.on('uncaughtException', (err) => seen.push('uncaught: ' + err.message));
      process.on('exit', () => console.log(JSON.stringify(seen)));
      const turn = new TurnBatch();
      turn.defer(() => seen.push('before'));
      turn.defer(() => { throw new Error('boom'); });
      turn.defer(() => seen.push('after'));
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout), ['before', 'uncaught: boom', 'after']);
  });
});
