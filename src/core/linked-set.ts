/** An item of a `LinkedSet`: the links live on the item itself. */
export interface Linked<T> {
  prev: T | undefined
  next: T | undefined
  listed: boolean
}

/**
 * A set of items that carry their own links: adding and removing one allocates nothing. For
 * what a busy member adds and removes per write (its waits, a handle's writes in flight) only
 * to settle them all at once on close: a `Set`'s table was regrown and shrunk as each batch
 * of writes came and went, and that cost 12 % of the commits of 100 writers.
 */
export class LinkedSet<T extends Linked<T>> {
  #head: T | undefined

  add(item: T): void {
    if (item.listed) return
    item.listed = true
    item.prev = undefined
    item.next = this.#head
    if (this.#head) this.#head.prev = item
    this.#head = item
  }

  delete(item: T): void {
    if (!item.listed) return
    item.listed = false
    if (item.prev) item.prev.next = item.next
    else this.#head = item.next
    if (item.next) item.next.prev = item.prev
    item.prev = undefined
    item.next = undefined
  }

  /** Empties the set; returns what it held, oldest first (in the order they were added). */
  takeAll(): T[] {
    const out: T[] = []
    for (let item = this.#head; item; item = item.next) out.push(item)
    for (const item of out) this.delete(item)
    return out.reverse()
  }
}
