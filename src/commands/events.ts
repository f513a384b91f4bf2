/** Following an engine generator from a command. */

/** Hands each event to `onEvent` as it comes; resolves to what the generator returns. */
export async function eachEvent<E, R>(events: AsyncGenerator<E, R>, onEvent: (event: E) => void): Promise<R> {
  for (;;) {
    const next = await events.next();
    if (next.done) return next.value;
    onEvent(next.value);
  }
}
