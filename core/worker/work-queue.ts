/**
 * A worker's local work queue: a min-heap on (actor priority, arrival order), so among messages
 * already in this worker's memory lower priority numbers run first and equal ones run FIFO
 * (Dramatiq §4.3). It never reaches into the broker's queue.
 */
export class WorkQueue<T> {
  private readonly heap: { priority: number; order: number; item: T }[] = [];
  private counter = 0;

  get size(): number {
    return this.heap.length;
  }

  push(item: T, priority: number): void {
    const h = this.heap;
    h.push({ priority, order: this.counter++, item });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  pop(): T | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(l, m)) m = l;
        if (r < h.length && this.less(r, m)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top?.item;
  }

  /** Removes and returns everything (order unspecified). */
  drain(): T[] {
    const items = this.heap.map((e) => e.item);
    this.heap.length = 0;
    return items;
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    return x.priority < y.priority || (x.priority === y.priority && x.order < y.order);
  }
}
