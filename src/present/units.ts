/**
 * How musehub-gc writes numbers for the operator, in the console and the headless commands alike:
 * sizes, ages, durations, rates, grace periods and ids. One behaviour each.
 */
import { formatGrace } from '../gc/duration.js';

export { formatGrace };

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
  const steps: Array<[number, string]> = [
    [60, 'm'],
    [3600, 'h'],
    [86400, 'd'],
    [86400 * 365, 'y'],
  ];
  let label = '';
  for (const [size, suffix] of steps) if (seconds >= size) label = `${Math.floor(seconds / size)}${suffix} ago`;
  return label;
}

/** How long something took: `0.2 s`, `14 s`, `3m 05s`. */
export function formatDuration(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m ${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

/** A count per second, short: `1.6/s`, `950/s`, `1.2k/s`; of what, when given: `1.2k rows/s`. */
export function formatRate(perSecond: number, what = ''): string {
  const per = `${what ? ` ${what}` : ''}/s`;
  if (perSecond >= 1000) return `${(perSecond / 1000).toFixed(1)}k${per}`;
  return `${perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond)}${per}`;
}

/** The first 12 characters of an id, without a `sha256:` prefix: enough to tell a million apart. */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}
