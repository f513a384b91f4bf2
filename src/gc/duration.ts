import { UsageError } from '../errors.js';

const UNITS: Record<string, number> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 };

/** Parses a grace period such as `1h`, `90m`, `1h30m`, `2d`, `30s` or `0` into seconds. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^0+(\.0+)?$/.test(trimmed)) return 0;
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    throw new UsageError(`the duration "${text}" needs a unit: s, m, h, d or w (for example 1h)`);
  }
  if (!/^(\d+(\.\d+)?[smhdw])+$/.test(trimmed)) {
    throw new UsageError(`cannot read the duration "${text}": use numbers with units, such as 0, 30m, 1h30m or 2d`);
  }
  let seconds = 0;
  for (const [, value, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)([smhdw])/g)) seconds += Number(value) * UNITS[unit!]!;
  return Math.round(seconds);
}

/** A grace period as operators write it: 0s, 45s, 30m, 1h, 1h30m, 2d; parseDuration reads it back. */
export function formatGrace(seconds: number): string {
  if (seconds === 0) return '0s';
  let rest = seconds;
  let text = '';
  for (const [unit, size] of Object.entries(UNITS)) {
    if (unit === 'w') continue;
    if (rest >= size) {
      text += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return text;
}
