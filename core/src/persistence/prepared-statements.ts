import type { NamedStatement } from "./sql-statement.ts";

/** The part of a `pg` client this module touches. */
interface QueryingClient {
  query(...args: unknown[]): unknown;
}

/** The part of a `pg` pool this module touches. */
interface ConnectingPool {
  on(event: "connect", listener: (client: QueryingClient) => void): unknown;
}

/**
 * Makes every connection of a `pg` pool run the given statements as named prepared statements: `pg` parses
 * and plans a named statement once per connection and afterwards only binds and executes it, which saves the
 * database about half of the work of a short hot-path transaction (and the core the SQL text on the wire).
 * The statements stay plain text everywhere else (kysely, MikroORM, PGlite): a query whose text is exactly one
 * of them just gets its name added on the way into the driver. Names are per connection, so nothing has to be
 * set up or cleaned when connections come and go. (A transaction-mode connection pooler in front of PostgreSQL
 * must support prepared statements, as PgBouncer does from 1.21 with `max_prepared_statements`.)
 */
export function prepareStatementsOnConnect(pool: ConnectingPool, statements: readonly NamedStatement[]): void {
  const names = new Map(statements.map((statement) => [statement.text, statement.name]));
  pool.on("connect", (client) => {
    const query = client.query.bind(client);
    client.query = (config: unknown, ...rest: unknown[]) => {
      const name = typeof config === "string" ? names.get(config) : undefined;
      return name === undefined ? query(config, ...rest) : query({ name, text: config }, ...rest);
    };
  });
}
