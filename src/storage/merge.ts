/**
 * Pages of several listings, interleaved as they arrive: up to `limit` sources are read at
 * once, each one page ahead. The first failure fails the whole merge, after every source in
 * flight has settled and been closed, so nothing keeps listing behind it.
 */
export async function* mergePages<T>(sources: ReadonlyArray<AsyncIterable<T[]>>, limit: number): AsyncGenerator<T[]> {
  const iterators = sources.map((source) => source[Symbol.asyncIterator]());
  const pending = new Map<number, Promise<{ index: number; result: IteratorResult<T[]> }>>();
  let started = 0;
  const pull = (index: number) => {
    pending.set(
      index,
      iterators[index]!.next().then((result) => ({ index, result })),
    );
  };
  while (started < iterators.length && pending.size < limit) pull(started++);
  try {
    while (pending.size > 0) {
      const { index, result } = await Promise.race(pending.values());
      pending.delete(index);
      if (result.done) {
        if (started < iterators.length) pull(started++);
        continue;
      }
      pull(index);
      yield result.value;
    }
  } finally {
    await Promise.allSettled(pending.values());
    await Promise.allSettled(iterators.map((iterator) => iterator.return?.()));
  }
}
