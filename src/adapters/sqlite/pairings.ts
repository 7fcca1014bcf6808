// Pairings on SQLite: each request is one BEGIN IMMEDIATE transaction (prune, look up, count, insert), so
// the cap and "one code per sender" hold exactly, also between processes sharing state.db.
import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../../ports/clock.ts";
import {
  type AllowedSender,
  newPairingCode,
  normalizePairingCode,
  PAIRING_MAX_PENDING,
  PAIRING_TTL_MS,
  type PairingRequest,
  type Pairings,
} from "../../ports/pairings.ts";
import { inTransaction } from "./db.ts";

export interface SqlitePairingsOptions {
  /** A database opened by openStateDb. */
  db: DatabaseSync;
  clock: Clock;
  /** Draws a code (default: newPairingCode); tests force collisions with it. */
  newCode?: () => string;
}

type Row = Record<string, unknown>;

const REQUEST_COLUMNS = "channel, code, sender_id, sender_name, created_at, expires_at";

function toRequest(row: Row): PairingRequest {
  return {
    channel: String(row["channel"]),
    code: String(row["code"]),
    senderId: String(row["sender_id"]),
    ...(typeof row["sender_name"] === "string" && { senderName: row["sender_name"] }),
    createdAt: Number(row["created_at"]),
    expiresAt: Number(row["expires_at"]),
  };
}

function toSender(row: Row): AllowedSender {
  return {
    channel: String(row["channel"]),
    senderId: String(row["sender_id"]),
    ...(typeof row["sender_name"] === "string" && { senderName: row["sender_name"] }),
    approvedAt: Number(row["approved_at"]),
  };
}

/** Pairings in the `pairing_requests` and `allowed_senders` tables. */
export function createSqlitePairings({
  db,
  clock,
  newCode = newPairingCode,
}: SqlitePairingsOptions): Pairings {
  const prune = db.prepare("DELETE FROM pairing_requests WHERE channel = ? AND expires_at <= ?");
  const pendingOf = db.prepare(
    `SELECT code FROM pairing_requests WHERE channel = ? AND sender_id = ? AND expires_at > ?`,
  );
  const countPending = db.prepare(
    "SELECT count(*) AS n FROM pairing_requests WHERE channel = ? AND expires_at > ?",
  );
  // DO NOTHING on a clash of codes: the caller draws another one.
  const insert = db.prepare(
    `INSERT INTO pairing_requests (${REQUEST_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  const listAll = db.prepare(
    `SELECT ${REQUEST_COLUMNS} FROM pairing_requests WHERE expires_at > ? ORDER BY created_at, rowid`,
  );
  const listChannel = db.prepare(
    `SELECT ${REQUEST_COLUMNS} FROM pairing_requests WHERE channel = ? AND expires_at > ?
     ORDER BY created_at, rowid`,
  );
  const take = db.prepare(
    `DELETE FROM pairing_requests WHERE channel = ? AND code = ? AND expires_at > ? RETURNING ${REQUEST_COLUMNS}`,
  );
  const allow = db.prepare(
    `INSERT INTO allowed_senders (channel, sender_id, sender_name, approved_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (channel, sender_id) DO UPDATE SET sender_name = excluded.sender_name,
       approved_at = excluded.approved_at`,
  );
  const isAllowed = db.prepare("SELECT 1 AS yes FROM allowed_senders WHERE channel = ? AND sender_id = ?");
  const allowedAll = db.prepare("SELECT * FROM allowed_senders ORDER BY approved_at, channel, sender_id");
  const allowedChannel = db.prepare(
    "SELECT * FROM allowed_senders WHERE channel = ? ORDER BY approved_at, sender_id",
  );
  const revoke = db.prepare("DELETE FROM allowed_senders WHERE channel = ? AND sender_id = ?");

  /** Removes an unexpired request by its code, in the same transaction as `then`. */
  const takeRequest = (channel: string, code: string, then?: (request: PairingRequest) => void) =>
    inTransaction(db, () => {
      const row = take.get(channel, normalizePairingCode(code), clock.now());
      if (!row) return null;
      const request = toRequest(row);
      then?.(request);
      return request;
    });

  return {
    async request(channel, senderId, senderName) {
      return inTransaction(db, () => {
        const now = clock.now();
        prune.run(channel, now);
        const pending = pendingOf.get(channel, senderId, now);
        if (pending) return { code: String(pending["code"]), created: false };
        if (Number(countPending.get(channel, now)?.["n"]) >= PAIRING_MAX_PENDING) return null;
        // A clash among at most 3 live codes of 2^40 is all but impossible; a few draws settle it.
        for (let attempt = 0; attempt < 10; attempt++) {
          const code = newCode();
          const row = [channel, code, senderId, senderName ?? null, now, now + PAIRING_TTL_MS] as const;
          if (insert.run(...row).changes > 0) return { code, created: true };
        }
        throw new Error("Could not draw an unused pairing code in 10 attempts.");
      });
    },

    async list(channel) {
      const now = clock.now();
      const rows = channel === undefined ? listAll.all(now) : listChannel.all(channel, now);
      return rows.map(toRequest);
    },

    async approve(channel, code) {
      return takeRequest(channel, code, (request) => {
        allow.run(request.channel, request.senderId, request.senderName ?? null, clock.now());
      });
    },

    async deny(channel, code) {
      return takeRequest(channel, code);
    },

    async isAllowed(channel, senderId) {
      return isAllowed.get(channel, senderId) !== undefined;
    },

    async allowed(channel) {
      return (channel === undefined ? allowedAll.all() : allowedChannel.all(channel)).map(toSender);
    },

    async revoke(channel, senderId) {
      return revoke.run(channel, senderId).changes > 0;
    },
  };
}
