import type Database from 'better-sqlite3';

/**
 * Queries assembled per request (filters, sort columns) repeat in practice, so each distinct text
 * is prepared once. The cache is dropped when full rather than ordered: refilling it is cheap.
 */
export function cachedStatements(db: Database.Database, capacity = 256): <Row>(sql: string) => Database.Statement<unknown[], Row> {
  const statements = new Map<string, Database.Statement<unknown[], unknown>>();
  return <Row>(sql: string) => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      if (statements.size >= capacity) statements.clear();
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement as Database.Statement<unknown[], Row>;
  };
}

export interface DerivedCache {
  /** The value built for `key` since the DB last changed, building it now if there is none. */
  get<T>(key: string, build: () => T, dispose?: (value: T) => void): T;
}

/**
 * Values derived from the DB that are costly to rebuild per request, kept until another connection
 * commits: `PRAGMA data_version` changes exactly then, so a running sweep invalidates the cache at
 * each epoch and a finished one never does.
 */
export function derivedCache(db: Database.Database, capacity = 32): DerivedCache {
  const entries = new Map<string, { value: unknown; dispose: ((value: never) => void) | undefined }>();
  let version: unknown;
  const clear = (): void => {
    for (const { value, dispose } of entries.values()) dispose?.(value as never);
    entries.clear();
  };
  return {
    get<T>(key: string, build: () => T, dispose?: (value: T) => void): T {
      const current = db.pragma('data_version', { simple: true });
      if (current !== version || (!entries.has(key) && entries.size >= capacity)) {
        clear();
        version = current;
      }
      const entry = entries.get(key);
      if (entry !== undefined) return entry.value as T;
      const value = build();
      entries.set(key, { value, dispose: dispose as ((value: never) => void) | undefined });
      return value;
    },
  };
}

/**
 * The JSON path of a top-level key of a run's params. Keys are dotted spec paths (`head.dropout`),
 * so the key is quoted to keep SQLite from reading the dots as nesting.
 */
export function jsonPathOfKey(key: string): string {
  return `$.${JSON.stringify(key)}`;
}
