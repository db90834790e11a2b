import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ApiError } from '../src/api.js';
import { loader, settle, type Scope } from '../src/load.js';
import { Cancelled } from '../src/messages.js';

/** A view's scope that records what reached it. */
function scope(): Scope & { controller: AbortController; ended: number } {
  const controller = new AbortController();
  const recorded = {
    controller,
    ended: 0,
    signal: controller.signal,
    sessionEnded: () => {
      recorded.ended += 1;
    },
  };
  return recorded;
}

/** A promise settled by the test, when the test says so. */
function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

/** Reads answered by the test, one deferred answer per read, in the order they were sent. */
function scriptedReads<T>(count: number): { answers: ReturnType<typeof deferred<T>>[]; read(): Promise<T> } {
  const answers = Array.from({ length: count }, () => deferred<T>());
  let sent = 0;
  return { answers, read: () => answers[sent++]!.promise };
}

const UNAUTHENTICATED = new ApiError(401, 'unauthenticated', 'Sign in.');

describe('settle', () => {
  it('hands the answer to the view', async () => {
    const seen: string[] = [];
    await settle(scope(), Promise.resolve('answer'), { done: (v) => seen.push(v), failed: () => seen.push('failed') });
    assert.deepEqual(seen, ['answer']);
  });

  it('drops an answer that arrives after the user left the view', async () => {
    const view = scope();
    const seen: unknown[] = [];
    const outcome = { done: (v: unknown) => seen.push(v), failed: (e: unknown) => seen.push(e) };
    const answer = deferred<string>();
    const waiting = settle(view, answer.promise, outcome);
    view.controller.abort();
    answer.resolve('late');
    await waiting;
    await settle(view, Promise.reject(new ApiError(500, 'internal', '')), outcome);
    await settle(view, Promise.reject(UNAUTHENTICATED), outcome);
    assert.deepEqual(seen, []);
    assert.equal(view.ended, 0);
  });

  it('ends the session on 401 unauthenticated, unless the view says otherwise', async () => {
    const view = scope();
    const seen: string[] = [];
    await settle(view, Promise.reject(UNAUTHENTICATED), { done: () => seen.push('done'), failed: () => seen.push('failed') });
    assert.equal(view.ended, 1);
    await settle(view, Promise.reject(UNAUTHENTICATED), {
      done: () => seen.push('done'),
      failed: () => seen.push('failed'),
      unauthenticated: () => seen.push('to sign-in'),
    });
    assert.equal(view.ended, 1);
    assert.deepEqual(seen, ['to sign-in']);
  });

  it('gives other failures to the view, and says nothing when the user cancelled', async () => {
    const view = scope();
    const failures: unknown[] = [];
    const outcome = { done: () => undefined, failed: (e: unknown) => failures.push(e) };
    const wrong = new ApiError(409, 'generation_mismatch', '');
    await settle(view, Promise.reject(wrong), outcome);
    await settle(view, Promise.reject(new Cancelled()), outcome);
    assert.deepEqual(failures, [wrong]);
    assert.equal(view.ended, 0);
  });
});

describe('loader', () => {
  it('is busy from the first read until the last one ends', async () => {
    const busy: boolean[] = [];
    const { answers, read } = scriptedReads<number>(2);
    const status = loader(scope(), {
      read,
      show: () => undefined,
      failed: () => undefined,
      busy: (b) => busy.push(b),
    });
    const both = Promise.all([status.reload(), status.reload()]);
    answers[0]!.resolve(1);
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(busy, [true, true]);
    answers[1]!.resolve(2);
    await both;
    assert.deepEqual(busy, [true, true, false]);
  });

  it('shows a failure, and ends the session on 401', async () => {
    const view = scope();
    const failures: unknown[] = [];
    const broken = new ApiError(0, 'network_error', '');
    const errors = [broken, UNAUTHENTICATED];
    const status = loader(view, {
      read: () => Promise.reject(errors.shift()),
      show: () => undefined,
      failed: (e) => failures.push(e),
    });
    await status.reload();
    await status.reload();
    assert.deepEqual(failures, [broken]);
    assert.equal(view.ended, 1);
  });

  it('keeps the newest state when answers arrive out of order', async () => {
    const shown: string[] = [];
    const { answers, read } = scriptedReads<string>(2);
    const status = loader(scope(), { read, show: (v) => shown.push(v), failed: () => undefined });
    const older = status.reload();
    const newer = status.reload();
    answers[1]!.resolve('after the remove');
    await newer;
    answers[0]!.resolve('before the remove');
    await older;
    assert.deepEqual(shown, ['after the remove']);
  });

  it('drops a late failure of a read that a newer one overtook', async () => {
    const seen: string[] = [];
    const { answers, read } = scriptedReads<string>(2);
    const view = scope();
    const status = loader(view, {
      read,
      show: (v) => seen.push(v),
      failed: () => seen.push('failed'),
    });
    const older = status.reload();
    const newer = status.reload();
    answers[1]!.resolve('fresh');
    answers[0]!.reject(UNAUTHENTICATED);
    await Promise.all([older, newer]);
    assert.deepEqual(seen, ['fresh']);
    assert.equal(view.ended, 0);
  });

  it('keeps the newest failure over an older answer', async () => {
    const seen: string[] = [];
    const { answers, read } = scriptedReads<string>(2);
    const status = loader(scope(), {
      read,
      show: (v) => seen.push(v),
      failed: () => seen.push('could not load'),
    });
    const before = status.reload(); // sent before the user removed the codes
    const after = status.reload(); // sent after
    answers[1]!.reject(new ApiError(0, 'network_error', ''));
    answers[0]!.resolve('codes on');
    await Promise.all([before, after]);
    assert.deepEqual(seen, ['could not load']);
  });

  it('resolves an overtaken reload only once the newest state is shown', async () => {
    const events: string[] = [];
    const { answers, read } = scriptedReads<string>(2);
    const status = loader(scope(), { read, show: (v) => events.push(`shown ${v}`), failed: () => undefined });
    const older = status.reload().then(() => events.push('older resolved'));
    const newer = status.reload();
    answers[0]!.resolve('old');
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(events, []);
    answers[1]!.resolve('new');
    await Promise.all([older, newer]);
    assert.deepEqual(events, ['shown new', 'older resolved']);
  });
});
