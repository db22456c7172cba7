/** Thrown where a test makes a process die. */
export class Crash extends Error {
  constructor(where: string) {
    super(`crash at ${where}`);
    this.name = 'Crash';
  }
}

/** Which call kills the process: the `nth` call (1-based) of `method` on the port named `port`. */
export interface CrashPoint {
  readonly port: string;
  readonly method: string;
  readonly nth: number;
}

/**
 * The ports of one process that can die: once the crash point is hit, that call and every later
 * call of any wrapped port rejects with Crash — a dead process writes nothing more (no settle,
 * no heartbeat), exactly as if it had been killed there.
 */
export class KillSwitch {
  private dead: Crash | undefined;
  private calls = 0;

  constructor(private readonly point?: CrashPoint) {}

  get crashed(): boolean {
    return this.dead !== undefined;
  }

  wrap<T extends object>(port: string, target: T): T {
    return new Proxy(target, {
      get: (object, property, receiver) => {
        const value: unknown = Reflect.get(object, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (this.dead) return Promise.reject(this.dead);
          if (this.point?.port === port && this.point.method === property && ++this.calls === this.point.nth) {
            this.dead = new Crash(`${port}.${String(property)} #${this.point.nth}`);
            return Promise.reject(this.dead);
          }
          return (value as (...a: unknown[]) => unknown).apply(object, args);
        };
      },
    });
  }
}
