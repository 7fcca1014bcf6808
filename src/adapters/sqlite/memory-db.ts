// Opens memory.db, the local memory index, beside state.db but apart from it: everything in it can be
// rebuilt from the workspace and the transcripts, so it is written without fsync and may be deleted.
import { DatabaseSync } from "node:sqlite";
import { createPrivateFile, makePrivate } from "../../util/private-files.ts";
import { inTransaction } from "./db.ts";

/** Bump when the schema changes: an index of an older version is dropped and rebuilt, never migrated. */
export const MEMORY_SCHEMA_VERSION = 1;

const SCHEMA = `
  -- one row per Markdown note indexed, with the size and mtime it had then.
  CREATE TABLE notes (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ms INTEGER NOT NULL
  ) WITHOUT ROWID;
  -- how far each transcript has been read into turns (entries written at or before covered_at).
  CREATE TABLE transcripts (
    session_id TEXT PRIMARY KEY,
    session_key TEXT NOT NULL,
    covered_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  -- what is searched: pieces of notes (kind 'note', ref = path) and turns (kind 'turn', ref = session key).
  -- turn_key (session id @ time) keeps a turn recorded twice once. embedding: Float32 little-endian.
  CREATE TABLE chunks (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    ref TEXT NOT NULL,
    line_from INTEGER,
    line_to INTEGER,
    actor TEXT,
    session_id TEXT,
    entry_id TEXT,
    turn_key TEXT UNIQUE,
    internal INTEGER NOT NULL DEFAULT 0,
    at INTEGER,
    text TEXT NOT NULL,
    embedding BLOB
  );
  CREATE INDEX chunks_ref ON chunks (kind, ref);
  CREATE INDEX chunks_unembedded ON chunks (id) WHERE embedding IS NULL;
  CREATE VIRTUAL TABLE chunks_fts USING fts5(
    text, content = 'chunks', content_rowid = 'id', tokenize = 'porter unicode61 remove_diacritics 2'
  );
  CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts (rowid, text) VALUES (new.id, new.text);
  END;
  CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts (chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
  END;
  -- small settings: the embedding model the stored vectors came from, when the index was last current.
  CREATE TABLE memory_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;
`;

/**
 * Opens (creating) the memory index at `path` (":memory:" for tests) in WAL mode with synchronous=OFF:
 * a power cut may cost index entries, which the next index() or a `memory index --full` puts back.
 * An index written by another schema version is emptied and rebuilt.
 */
export function openMemoryDb(path: string): DatabaseSync {
  const created = path !== ":memory:" && createPrivateFile(path);
  const db = new DatabaseSync(path);
  try {
    db.exec("PRAGMA busy_timeout = 5000");
    db.exec("PRAGMA journal_mode = WAL");
    if (created) for (const suffix of ["-wal", "-shm"]) makePrivateIfThere(path + suffix);
    db.exec("PRAGMA synchronous = OFF");
    const version = Number(db.prepare("PRAGMA user_version").get()?.["user_version"] ?? 0);
    if (version !== MEMORY_SCHEMA_VERSION) {
      inTransaction(db, () => {
        for (const table of ["chunks_fts", "chunks", "notes", "transcripts", "memory_meta"]) {
          db.exec(`DROP TABLE IF EXISTS ${table}`);
        }
        db.exec(SCHEMA);
        db.exec(`PRAGMA user_version = ${MEMORY_SCHEMA_VERSION}`);
      });
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function makePrivateIfThere(path: string): void {
  try {
    makePrivate(path);
  } catch {
    // -shm may not exist yet; SQLite gives it the database's mode when it makes it.
  }
}
