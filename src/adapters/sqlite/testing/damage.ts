// For tests: damages one table of a state.db the way a bad disk or a torn copy does, by overwriting
// the page its rows start on, while the file's header and the other tables stay readable.
import { open } from "node:fs/promises";
import { DatabaseSync } from "node:sqlite";

/** Overwrites the root page of `table` in the (closed) database at `path` with junk. */
export async function damagePage(path: string, table: string): Promise<void> {
  const db = new DatabaseSync(path);
  let page: number;
  let size: number;
  try {
    // Move everything from the WAL into the file, so the damage is not hidden by a newer copy.
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    page = Number(db.prepare("SELECT rootpage FROM sqlite_master WHERE name = ?").get(table)?.["rootpage"]);
    size = Number(db.prepare("PRAGMA page_size").get()?.["page_size"]);
  } finally {
    db.close();
  }
  const handle = await open(path, "r+");
  try {
    await handle.write(Buffer.alloc(size, 0x5a), 0, size, (page - 1) * size);
  } finally {
    await handle.close();
  }
}
