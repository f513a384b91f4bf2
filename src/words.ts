/** A count and its noun, the one way musehub-gc says how many: `1 commit`, `2,000 commits`. */
export function counted(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}
