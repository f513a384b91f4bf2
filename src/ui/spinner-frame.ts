/**
 * One spinner clock for a whole table: pending cells show its frame as text, so they keep
 * their column's width, and a table of thousands runs one timer, only while a cell waits.
 */
import { useEffect, useState } from 'react';
import spinners from 'cli-spinners';

/** The frames @inkjs/ui's Spinner draws (`dots`), one column wide. */
const { frames: FRAMES, interval: INTERVAL_MS } = spinners.dots;

/** The spinner's current frame; it ticks only while `spinning`. */
export function useSpinnerFrame(spinning: boolean): string {
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    if (!spinning) return;
    const timer = setInterval(() => setFrame((previous) => (previous + 1) % FRAMES.length), INTERVAL_MS);
    return () => clearInterval(timer);
  }, [spinning]);
  return FRAMES[frame]!;
}
