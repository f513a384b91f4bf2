/** How the console writes sizes, ages, durations and rates, and fits text into columns. */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** Bytes as an operator reads them: `512 B`, `4.1 MiB`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** How long ago an ISO instant was, coarsely: `now`, `5m ago`, `1h ago`, `3d ago`. */
export function formatAgo(iso: string | null, now: number): string {
  if (iso === null) return 'never';
  const seconds = Math.max(0, (now - Date.parse(iso)) / 1000);
  if (Number.isNaN(seconds)) return '?';
  if (seconds < 60) return 'now';
  const steps: Array<[number, string]> = [[60, 'm'], [3600, 'h'], [86400, 'd'], [86400 * 365, 'y']];
  let label = '';
  for (const [size, suffix] of steps) if (seconds >= size) label = `${Math.floor(seconds / size)}${suffix} ago`;
  return label;
}

/** A duration in seconds as `0.2 s`, `14 s`, `3m 05s`. */
export function formatDuration(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m ${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

/** A count per second, short: `950/s`, `1.2k/s`. */
export function formatRate(perSecond: number): string {
  if (perSecond >= 1000) return `${(perSecond / 1000).toFixed(1)}k/s`;
  return `${Math.round(perSecond)}/s`;
}

/** A grace period as the operator set it: `1h`, `30m`, `0s`. */
export function formatGrace(seconds: number): string {
  if (seconds > 0 && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds > 0 && seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** Text cut to `width` columns (with an ellipsis) and padded to it. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const chars = [...text];
  const cut = chars.length > width ? `${chars.slice(0, Math.max(0, width - 1)).join('')}…` : text;
  return align === 'left' ? cut.padEnd(width) : cut.padStart(width);
}

/** The first characters of a content id, without its `sha256:` prefix. */
export function shortId(id: string): string {
  return id.replace(/^[a-z0-9]+:/, '').slice(0, 7);
}
