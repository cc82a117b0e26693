/** The source of "now" for everything that depends on time; injected so tests and the eval can set it. */
export interface Clock {
  now(): Date;
}

/** The real wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to, for tests and the evaluation corpus. */
export class FakeClock implements Clock {
  private current: number;

  constructor(start: Date | string) {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Jumps to an instant. */
  set(at: Date | string): void {
    this.current = new Date(at).getTime();
  }

  /** Moves forward by some milliseconds. */
  advance(ms: number): void {
    this.current += ms;
  }
}
