// Requests that need the same kind of statement on the same object, batched:
// the first runs its statement at once; those that arrive while it runs wait
// for it and then share the next statement, which serves them all. A lone
// request waits for nothing; a burst costs a few statements instead of one
// each. Each request gets its own result, after the statement holding it ended.

interface Waiting<Item, Result> {
  item: Item;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

export class Batcher<Item, Result> {
  private readonly lines = new Map<string, Array<Waiting<Item, Result>>>();

  /**
   * `run` serves a batch with one statement and answers one result per item,
   * in order; `max` is the most items one batch holds.
   */
  constructor(
    private readonly run: (items: Item[]) => Promise<Result[]>,
    private readonly max: number,
  ) {}

  /** Serves `item` with the others of `key` (the object its statement works on). */
  submit(key: string, item: Item): Promise<Result> {
    return new Promise((resolve, reject) => {
      const line = this.lines.get(key);
      if (line) {
        line.push({ item, resolve, reject });
        return;
      }
      this.lines.set(key, []);
      void this.drain(key, [{ item, resolve, reject }]);
    });
  }

  private async drain(key: string, batch: Array<Waiting<Item, Result>>): Promise<void> {
    try {
      const results = await this.run(batch.map((waiting) => waiting.item));
      batch.forEach((waiting, index) => {
        if (index < results.length) waiting.resolve(results[index] as Result);
        else waiting.reject(new Error('a batched statement answered fewer results than items'));
      });
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    }
    const line = this.lines.get(key);
    if (!line || line.length === 0) {
      this.lines.delete(key);
      return;
    }
    void this.drain(key, line.splice(0, this.max));
  }
}
