/** One spinner clock for a whole table: pending cells show its frame as text, so they keep their column's width. */
import { useEffect, useState } from 'react';

/** The frames of ink-spinner's default (`dots`), one column wide. */
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const INTERVAL_MS = 80;

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
