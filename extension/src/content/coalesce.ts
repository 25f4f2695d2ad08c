// At most one evaluation per compose box in flight, and the newest text
// always wins: text that arrives while one is in flight replaces any
// waiting text, and a result for text that is no longer the newest is
// dropped.

export class Coalescer<T, R> {
  private inFlight = false;
  private waiting: { value: T } | null = null;

  constructor(
    private readonly run: (value: T) => Promise<R>,
    private readonly deliver: (value: T, result: R) => void,
    private readonly fail: (value: T, err: unknown) => void = () => undefined,
  ) {}

  /** Offers the newest value. */
  push(value: T): void {
    if (this.inFlight) {
      this.waiting = { value };
      return;
    }
    void this.start(value);
  }

  /** Whether an evaluation is in flight. */
  get busy(): boolean {
    return this.inFlight;
  }

  private async start(value: T): Promise<void> {
    this.inFlight = true;
    try {
      const result = await this.run(value);
      if (!this.waiting) this.deliver(value, result);
    } catch (err) {
      if (!this.waiting) this.fail(value, err);
    } finally {
      this.inFlight = false;
      const next = this.waiting;
      this.waiting = null;
      if (next) void this.start(next.value);
    }
  }
}
