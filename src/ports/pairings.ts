// Who may talk to the assistant: pairing codes unknown senders get, and the senders their owner approved.
// Also the code's shape (alphabet, length, lifetime, cap), shared by every adapter.

/** A sender waiting for the owner's approval. Times are Clock milliseconds. */
export interface PairingRequest {
  channel: string;
  /** PAIRING_CODE_LENGTH characters of PAIRING_CODE_ALPHABET. */
  code: string;
  senderId: string;
  senderName?: string;
  createdAt: number;
  /** createdAt + PAIRING_TTL_MS; from this moment on the request is gone. */
  expiresAt: number;
}

/** A sender the owner approved on one channel. */
export interface AllowedSender {
  channel: string;
  senderId: string;
  senderName?: string;
  approvedAt: number;
}

/** How long a pairing code stays valid. */
export const PAIRING_TTL_MS = 60 * 60 * 1000;
/** Pending requests per channel: more would only pile up for the owner to review. */
export const PAIRING_MAX_PENDING = 3;
/** Upper-case letters and digits without the look-alikes 0, O, 1 and I. 32 symbols, 5 bits each. */
export const PAIRING_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
export const PAIRING_CODE_LENGTH = 8;

/** A fresh random code (40 bits), from the platform's cryptographic random source. */
export function newPairingCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(PAIRING_CODE_LENGTH));
  // 256 is a multiple of 32, so masking keeps every symbol equally likely.
  return Array.from(bytes, (b) => PAIRING_CODE_ALPHABET[b & 31]).join("");
}

/** A code as a person typed it, made comparable: case, spaces and dashes do not matter. */
export function normalizePairingCode(code: string): string {
  return code.replace(/[\s-]/g, "").toUpperCase();
}

/**
 * Pairing requests and approved senders, per channel. Expiry is judged by the adapter's injected
 * Clock: a request lives for [createdAt, expiresAt). Implemented in adapters/sqlite and
 * adapters/dynamodb. Callers check isAllowed before request: request does not consult approvals.
 */
export interface Pairings {
  /**
   * Contract: a sender without a pending request gets a new unique code (created true), valid for
   * PAIRING_TTL_MS; asking again while it is pending returns the same code (created false), also
   * when racing. null when PAIRING_MAX_PENDING other requests of the channel are pending. Expired
   * requests neither count nor stay stored.
   */
  request(
    channel: string,
    senderId: string,
    senderName?: string,
  ): Promise<{ code: string; created: boolean } | null>;
  /** Contract: the pending, unexpired requests (of one channel, or all), oldest first. */
  list(channel?: string): Promise<PairingRequest[]>;
  /**
   * Contract: the request's sender becomes allowed on its channel and the request is removed; returns
   * it. null for a code unknown on that channel or expired. Codes match case-insensitively.
   */
  approve(channel: string, code: string): Promise<PairingRequest | null>;
  /** Contract: removes the pending request and returns it (the sender may ask again); null as approve. */
  deny(channel: string, code: string): Promise<PairingRequest | null>;
  /** Contract: true once a request of this sender on this channel was approved, until revoked. */
  isAllowed(channel: string, senderId: string): Promise<boolean>;
  /** Contract: the approved senders (of one channel, or all), oldest approval first. */
  allowed(channel?: string): Promise<AllowedSender[]>;
  /** Contract: the sender is no longer allowed; false when it was not. */
  revoke(channel: string, senderId: string): Promise<boolean>;
}
