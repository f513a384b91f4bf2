/** Who runs this process, as run history, hub passes and reports name them: `user@host`. */
import { hostname, userInfo } from 'node:os';

export function operator(): { user: string; host: string } {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? 'unknown';
  }
  return { user, host: hostname() };
}

export function operatorName(): string {
  const { user, host } = operator();
  return `${user}@${host}`;
}
