import { UserError } from '../errors.js';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Parses a grace period such as `1h`, `90m`, `2d`, `30s` or `0` into seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhdw]?)$/.exec(text.trim());
  if (!match) {
    throw new UserError(`cannot read the duration "${text}": use a number and a unit, such as 0, 30m, 1h or 2d`, 2);
  }
  const value = Number(match[1]);
  const unit = match[2] || (value === 0 ? 's' : '');
  if (!unit) throw new UserError(`the duration "${text}" needs a unit: s, m, h, d or w (for example 1h)`, 2);
  return Math.round(value * UNITS[unit]!);
}

/** Seconds as operators write them: 0s, 45s, 30m, 1h, 1h30m, 2d. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.slice(0, 2).join('');
}
