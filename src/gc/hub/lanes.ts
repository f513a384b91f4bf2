/**
 * Work over many items, a few at a time, as one stream of events. Each lane takes the
 * next item when its last is done and waits until each event it yields has been taken,
 * as a generator would: a slow consumer slows the lanes, and the engine's progress
 * events stay coalesced while it is busy.
 */

/**
 * Runs `work` on each of `items`, `lanes` at a time, yielding the events of all as they come.
 * Once `stop` is aborted no lane takes another item; the items in flight go on to their end.
 * When the consumer leaves early, the lanes finish their items unheard, and it waits for them.
 * Either way `work` hears it through its `quit` signal: an item that is a batch of many starts
 * no more of them.
 */
export async function* inLanes<T, E>(
  items: Iterable<T>,
  lanes: number,
  work: (item: T, quit: AbortSignal) => AsyncIterable<E>,
  stop?: AbortSignal,
): AsyncGenerator<E> {
  const source = items[Symbol.iterator]();
  const quit = new AbortController();
  const quitOnStop = () => quit.abort();
  stop?.addEventListener('abort', quitOnStop);
  if (stop?.aborted) quit.abort();
  const ready: Array<{ event: E; taken: () => void }> = [];
  let wake: (() => void) | undefined;
  let running = lanes;
  let left = false;
  let failure: { error: unknown } | undefined;
  const signal = () => {
    wake?.();
    wake = undefined;
  };
  const lane = async () => {
    try {
      while (!stop?.aborted && !left && !failure) {
        const next = source.next();
        if (next.done) break;
        for await (const event of work(next.value, quit.signal)) {
          if (left) continue;
          await new Promise<void>((taken) => {
            ready.push({ event, taken });
            signal();
          });
        }
      }
    } catch (error) {
      failure ??= { error };
    } finally {
      running--;
      signal();
    }
  };
  const all = Array.from({ length: lanes }, lane);
  try {
    while (running > 0 || ready.length > 0) {
      const next = ready.shift();
      if (next) {
        // Taken however the consumer goes on: with the next call, or by leaving.
        try {
          yield next.event;
        } finally {
          next.taken();
        }
      } else {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    }
  } finally {
    left = true;
    quit.abort();
    stop?.removeEventListener('abort', quitOnStop);
    for (const next of ready.splice(0)) next.taken();
    await Promise.all(all);
  }
  if (failure) throw failure.error;
}
