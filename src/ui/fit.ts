/** Fitting text into the console's columns. */

/** Text cut to `width` columns (with an ellipsis) and padded to it. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const chars = [...text];
  const cut = chars.length > width ? `${chars.slice(0, Math.max(0, width - 1)).join('')}…` : text;
  return align === 'left' ? cut.padEnd(width) : cut.padStart(width);
}
