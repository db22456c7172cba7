import type { ErrorDetail } from '../errors';

/** Collects every problem of a contract set, each located as `file#/json/pointer`. */
export class Problems {
  private readonly list: ErrorDetail[] = [];

  add(file: string, pointer: string, message: string): void {
    this.list.push({ path: `${file}#${pointer}`, message });
  }

  get all(): readonly ErrorDetail[] {
    return [...this.list].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.message < b.message ? -1 : 1));
  }

  get count(): number {
    return this.list.length;
  }
}
