import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { readReadyLine } from './ready-line.js';

/** A real child process running `script`, with piped stdout and stderr. */
const run = (script: string) => spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });

const line = {
  url: 'http://127.0.0.1:41234',
  adminToken: 'admin',
  workspace: { id: 'w', partnerId: 'w', tokens: { AdminAgent: 'a', HelpdeskAgent: 'h', SalesAgent: 's' } },
};

test('the ready line is read from a process that keeps running after printing it', async () => {
  const child = run(`console.log(${JSON.stringify(JSON.stringify(line))}); setInterval(() => {}, 1000);`);
  try {
    assert.deepEqual(await readReadyLine(child, 10_000), line);
  } finally {
    child.kill();
  }
});

test('lines before the ready line that are not it are skipped, even JSON log lines', async () => {
  const child = run(`console.log('(node) a warning'); console.log('{"level":30,"msg":"starting"}'); console.log(${JSON.stringify(JSON.stringify(line))});`);
  assert.equal((await readReadyLine(child, 10_000)).adminToken, 'admin');
});

test('a process that exits before the ready line is reported with its exit code and its stderr', async () => {
  const child = run(`console.error('Unsupported database URL "nosuch:x"'); process.exit(3);`);
  await assert.rejects(readReadyLine(child, 10_000), /exited \(code 3\)[\s\S]*Unsupported database URL "nosuch:x"/);
});

test('a process that prints nothing in time is killed and reported', async () => {
  const child = run(`console.log('listening on http://127.0.0.1:1'); setInterval(() => {}, 1000);`);
  const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  await assert.rejects(readReadyLine(child, 500), /no JSON line within 500 ms[\s\S]*listening on/);
  assert.equal(await exited, 'SIGKILL');
});
