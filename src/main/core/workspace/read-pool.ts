import type { Connection, Database } from './database.js';

/**
 * Connections for reads, each lent to one read at a time. A read never shares a connection with a write, so it
 * sees committed data only (DuckDB MVCC) and never waits for an import's transaction; and two reads never share
 * one either, so a streamed export cannot be cut off by a trend query on the same connection.
 */
export class ReadPool {
  private readonly idle: Connection[] = [];
  private readonly waiting: ((connection: Connection) => void)[] = [];
  private open = 0;
  private closed = false;

  constructor(
    private readonly database: Database,
    /** Upper bound on connections: DuckDB runs their queries on its own threads, a few are enough. */
    private readonly size: number,
  ) {}

  async use<T>(read: (db: Connection) => Promise<T>): Promise<T> {
    const connection = await this.lend();
    try {
      return await read(connection);
    } finally {
      this.giveBack(connection);
    }
  }

  /** Rows of a large result in chunks, holding one connection until the caller stops reading. */
  async *stream(sql: string): AsyncGenerator<unknown[][]> {
    const connection = await this.lend();
    try {
      yield* connection.stream(sql);
    } finally {
      this.giveBack(connection);
    }
  }

  close(): void {
    this.closed = true;
    for (const connection of this.idle.splice(0)) connection.close();
  }

  private async lend(): Promise<Connection> {
    if (this.closed) throw new Error('the workspace is closed');
    const ready = this.idle.pop();
    if (ready !== undefined) return ready;
    if (this.open < this.size) {
      this.open++;
      try {
        return await this.database.connect();
      } catch (error) {
        this.open--;
        throw error;
      }
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private giveBack(connection: Connection): void {
    const next = this.waiting.shift();
    if (next !== undefined) next(connection);
    else if (this.closed) connection.close();
    else this.idle.push(connection);
  }
}
