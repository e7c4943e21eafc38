import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { LazyChildLogger, lazyChildLoggerFactory } from './lazy-child-logger.js';

/** A real pino logger whose lines are kept, parsed. */
function recordingLogger(level: string) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ level }, sink) as unknown as FastifyBaseLogger;
  return { logger, lines };
}

describe('the lazy child logger', () => {
  it('writes lines with the bindings of every lazy generation, as a pino child would', () => {
    const { logger, lines } = recordingLogger('info');
    const request = lazyChildLoggerFactory(logger, { reqId: 'r-1' }, {});
    const correlated = request.child({ correlationId: 'c-1' });
    correlated.info({ route: '/x' }, 'request completed');
    request.warn('plain');
    assert.deepEqual(
      lines.map(({ reqId, correlationId, route, msg, level }) => ({ reqId, correlationId, route, msg, level })),
      [
        { reqId: 'r-1', correlationId: 'c-1', route: '/x', msg: 'request completed', level: 30 },
        { reqId: 'r-1', correlationId: undefined, route: undefined, msg: 'plain', level: 40 },
      ],
    );
  });

  it('writes nothing below its parent level and follows a level set on it', () => {
    const { logger, lines } = recordingLogger('warn');
    const request = lazyChildLoggerFactory(logger, { reqId: 'r-2' }, {});
    request.info('hidden');
    request.debug('hidden');
    assert.equal(request.level, 'warn');
    assert.equal(lines.length, 0);
    request.level = 'debug';
    request.debug('shown');
    logger.debug('the parent keeps its own level');
    assert.deepEqual(lines.map((l) => [l.reqId, l.msg]), [['r-2', 'shown']]);
  });

  it('is used only where a route keeps the server level', () => {
    const { logger } = recordingLogger('info');
    assert.ok(lazyChildLoggerFactory(logger, { reqId: 'r-3' }, {}) instanceof LazyChildLogger);
    const routeLevel = lazyChildLoggerFactory(logger, { reqId: 'r-3' }, { level: 'error' });
    assert.ok(!(routeLevel instanceof LazyChildLogger));
    assert.equal(routeLevel.level, 'error');
  });
});
