import { matchesFilter, OutboxEvents, type NewOutboxMessage, type Outbox, type OutboxFilter, type OutboxMessage } from './outbox';

/** One namespace's outbox: oldest first, and the last number given. */
interface Box {
  seq: number;
  messages: OutboxMessage[];
}

/** The outbox of the memory store: one process sees it (like the memory store's OTPs). */
export class MemoryOutbox implements Outbox {
  private readonly boxes = new Map<string, Box>();
  private readonly events = new OutboxEvents();

  async add(message: NewOutboxMessage, options: { max: number }): Promise<OutboxMessage> {
    let box = this.boxes.get(message.namespace);
    if (!box) this.boxes.set(message.namespace, (box = { seq: 0, messages: [] }));
    const kept: OutboxMessage = { seq: ++box.seq, ...message };
    box.messages.push(kept);
    // The cap drops the oldest; splice once rather than shift in a loop.
    const over = box.messages.length - options.max;
    if (over > 0) box.messages.splice(0, over);
    this.events.emit(kept);
    return kept;
  }

  async list(namespace: string, filter: OutboxFilter): Promise<OutboxMessage[]> {
    const messages = this.boxes.get(namespace)?.messages ?? [];
    const found: OutboxMessage[] = [];
    for (let i = messages.length - 1; i >= 0 && found.length < filter.limit; i--) {
      const message = messages[i];
      if (!message) continue;
      // Newest first: once at or below `since`, every older one is too.
      if (filter.since !== undefined && message.seq <= filter.since) break;
      if (matchesFilter(message, filter)) found.push(message);
    }
    return found;
  }

  async clear(namespace: string): Promise<void> {
    const box = this.boxes.get(namespace);
    if (box) box.messages = [];
  }

  watch(namespace: string, listener: (message: OutboxMessage | undefined) => void): () => void {
    return this.events.watch(namespace, listener);
  }

  release(): void {
    this.events.release();
  }

  async connect(): Promise<void> {}

  async close(): Promise<void> {}
}
