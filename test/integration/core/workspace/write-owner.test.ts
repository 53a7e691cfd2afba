import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../../../src/main/core/jobs/cancelled.js';
import { WorkspaceBusyError, WriteOwner } from '../../../../src/main/core/workspace/write-owner.js';

/** A promise with its resolve, to hold a task open until the test lets it finish. */
const gate = () => {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
};
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('the write owner', () => {
  it('runs one task at a time, in arrival order, and tells waiting jobs whom they wait for', async () => {
    const owner = new WriteOwner();
    const log: string[] = [];
    const first = gate();
    const waits: string[] = [];
    const a = owner.run({ label: 'import of a.csv', long: true, whenBusy: 'wait' }, async () => {
      log.push('a start');
      await first.promise;
      log.push('a end');
    });
    const b = owner.run(
      { label: 'import of b.csv', long: true, whenBusy: 'wait', onWait: (m) => waits.push(`b: ${m}`) },
      async () => {
        log.push('b start');
        await tick();
        log.push('b end');
      },
    );
    const c = owner.run(
      { label: 'signal edit', long: false, whenBusy: 'wait', onWait: (m) => waits.push(`c: ${m}`) },
      async () => {
        log.push('c');
      },
    );
    await tick();
    expect(log).toEqual(['a start']);
    expect(owner.busyWith()).toBe('import of a.csv');
    first.open();
    await Promise.all([a, b, c]);
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end', 'c']);
    expect(waits).toEqual([
      'b: waiting for the import of a.csv to finish',
      'c: waiting for the import of a.csv to finish',
      'c: waiting for the import of b.csv to finish',
    ]);
    expect(owner.idle()).toBe(true);
  });

  it('refuses an edit at once while a long job holds or waits for the workspace, and queues it behind short writes', async () => {
    const owner = new WriteOwner();
    const short = gate();
    const edit = owner.run({ label: 'event edit', long: false, whenBusy: 'wait' }, () => short.promise);
    // Only a short write ahead: the second edit waits, it is not refused.
    const second = owner.run({ label: 'signal edit', long: false, whenBusy: 'refuse' }, async () => 'saved');
    const job = gate();
    const importing = owner.run({ label: 'import of big.csv', long: true, whenBusy: 'wait' }, () => job.promise);
    // A long job waits in the queue: an edit now would wait for it, so it is refused.
    await expect(owner.run({ label: 'signal edit', long: false, whenBusy: 'refuse' }, async () => 1)).rejects.toThrow(
      new WorkspaceBusyError('import of big.csv', 'signal edit'),
    );
    short.open();
    await expect(second).resolves.toBe('saved');
    const refusal = await owner
      .run({ label: 'event deletion', long: false, whenBusy: 'refuse' }, async () => 1)
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(WorkspaceBusyError);
    expect(refusal).toMatchObject({
      code: 'conflict',
      message:
        'the workspace is busy with the import of big.csv: the event deletion can be made when it finishes (or cancel it)',
    });
    job.open();
    await Promise.all([edit, importing]);
    await expect(owner.run({ label: 'signal edit', long: false, whenBusy: 'refuse' }, async () => 2)).resolves.toBe(2);
  });

  it('a job cancelled while it waits leaves the queue without running', async () => {
    const owner = new WriteOwner();
    const job = gate();
    const first = owner.run({ label: 'import of a.csv', long: true, whenBusy: 'wait' }, () => job.promise);
    let cancelled = false;
    let ran = false;
    const second = owner.run(
      { label: 'import of b.csv', long: true, whenBusy: 'wait', isCancelled: () => cancelled },
      async () => {
        ran = true;
      },
    );
    cancelled = true;
    await expect(second).rejects.toBeInstanceOf(CancelledError);
    expect(owner.busyWith()).toBe('import of a.csv');
    job.open();
    await first;
    expect(ran).toBe(false);
    expect(owner.idle()).toBe(true);
  });

  it('a write made from inside the task that owns the workspace runs at once instead of deadlocking', async () => {
    const owner = new WriteOwner();
    const result = await owner.run({ label: 'training snapshot', long: true, whenBusy: 'wait' }, async () =>
      owner.run({ label: 'dataset snapshot', long: false, whenBusy: 'refuse' }, async () => 'inner'),
    );
    expect(result).toBe('inner');
    // A failed task releases the workspace too.
    await expect(
      owner.run({ label: 'import of bad.csv', long: true, whenBusy: 'wait' }, async () => {
        throw new Error('bad.csv line 3: not a number');
      }),
    ).rejects.toThrow('bad.csv line 3');
    expect(owner.idle()).toBe(true);
  });

  it('a hold lasts until released, once', async () => {
    const owner = new WriteOwner();
    const release = await owner.hold({ label: 'OPC UA import from opc.tcp://x', long: true, whenBusy: 'wait' });
    let ran = false;
    const after = owner.run({ label: 'import of a.csv', long: true, whenBusy: 'wait' }, async () => {
      ran = true;
    });
    await tick();
    expect(ran).toBe(false);
    release();
    release();
    await after;
    expect(ran).toBe(true);
    expect(owner.idle()).toBe(true);
  });
});
