// Pairings on DynamoDB with single conditional writes (no transactions, so it runs on dynalite): one item
// per request keyed by sender (one code per sender, even when racing) and PAIRING_MAX_PENDING slot items
// per channel that a request must claim (the cap holds under races). Expiry is judged by the Clock.
//
//   item              pk                 sk                               notes
//   pairing request   pairing-requests   <channel>#request#<senderId>     code, createdAt, until (ms), token; TTL
//   pairing slot      pairing-requests   <channel>#slot#<0..2>            code, senderId, until (ms), token; TTL
//   allowed sender    allowed-senders    <channel>#<senderId>             senderName, approvedAt
//
// <channel> is URI-encoded, so it never holds the "#" separator. Both partitions stay small (a few
// requests per channel, the people the owner knows), so every lookup is one consistent Query.
// A crash between a request's writes can leave a slot taken, or a request without a slot, for at
// most an hour (their expiry). Codes are checked against the live ones; only two senders racing on
// one channel could draw the same code, at odds of 1 in 2^40.
import { randomUUID } from "node:crypto";
import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
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
import { isConditionFailed, type Item, n, putIfFree, queryAll, s } from "./items.ts";
import { STATE_TABLE } from "./tables.ts";

export interface DynamoPairingsOptions {
  client: DynamoDBClient;
  /** Name of the state table (see tables.ts). */
  table: string;
  clock: Clock;
  /** Draws a code (default: newPairingCode); tests force collisions with it. */
  newCode?: () => string;
}

const REQUESTS_PK = "pairing-requests";
const ALLOWED_PK = "allowed-senders";
const prefix = (channel: string) => `${encodeURIComponent(channel)}#`;
const requestSk = (channel: string, senderId: string) => `${prefix(channel)}request#${senderId}`;
const slotSk = (channel: string, slot: number) => `${prefix(channel)}slot#${slot}`;
const allowedSk = (channel: string, senderId: string) => `${prefix(channel)}${senderId}`;

const str = (item: Item, name: string) => item[name]?.S;
const num = (item: Item, name: string) => Number(item[name]?.N);
const isRequest = (item: Item) => str(item, "kind") === "request";
const isSlot = (item: Item) => str(item, "kind") === "slot";

function toRequest(item: Item): PairingRequest {
  const senderName = str(item, "senderName");
  return {
    channel: str(item, "channel")!,
    code: str(item, "code")!,
    senderId: str(item, "senderId")!,
    ...(senderName === undefined ? {} : { senderName }),
    createdAt: num(item, "createdAt"),
    expiresAt: num(item, "until"),
  };
}

function toSender(item: Item): AllowedSender {
  const senderName = str(item, "senderName");
  return {
    channel: str(item, "channel")!,
    senderId: str(item, "senderId")!,
    ...(senderName === undefined ? {} : { senderName }),
    approvedAt: num(item, "approvedAt"),
  };
}

/** Pairings in the state table, in the two partitions of the header. */
export function createDynamoPairings(options: DynamoPairingsOptions): Pairings {
  const { client, table, clock, newCode = newPairingCode } = options;
  const key = (pk: string, sk: string) => ({ pk: s(pk), sk: s(sk) });

  /** Every item of a partition, or of one channel in it. */
  function query(pk: string, channel?: string): Promise<Item[]> {
    return queryAll(client, {
      TableName: table,
      KeyConditionExpression: channel === undefined ? "pk = :pk" : "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: {
        ":pk": s(pk),
        ...(channel === undefined ? {} : { ":prefix": s(prefix(channel)) }),
      },
    });
  }

  /** Deletes the item if the condition holds and returns what it held; null when the condition fails. */
  async function deleteIf(
    item: Item,
    condition: string,
    names: Record<string, string>,
    values: Item,
  ): Promise<Item | null> {
    try {
      const { Attributes } = await client.send(
        new DeleteItemCommand({
          TableName: table,
          Key: { pk: item["pk"]!, sk: item["sk"]! },
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: "ALL_OLD",
        }),
      );
      return Attributes ?? null;
    } catch (err) {
      if (isConditionFailed(err)) return null;
      throw err;
    }
  }

  /** One attempt at a request; undefined when a racing approval or denial calls for another look. */
  async function attempt(
    channel: string,
    senderId: string,
    senderName: string | undefined,
  ): Promise<{ code: string; created: boolean } | null | undefined> {
    const now = clock.now();
    const items = await query(REQUESTS_PK, channel);
    const live = items.filter((item) => num(item, "until") > now);
    const mine = live.find((item) => isRequest(item) && str(item, "senderId") === senderId);
    if (mine) return { code: str(mine, "code")!, created: false };
    const expired = items.filter((item) => num(item, "until") <= now);
    const prune = (item: Item) => deleteIf(item, "#until <= :now", { "#until": "until" }, { ":now": n(now) });
    await Promise.all(expired.map(prune));
    const taken = new Set(live.filter(isSlot).map((item) => str(item, "sk")));
    if (taken.size >= PAIRING_MAX_PENDING) return null;

    const codes = new Set(live.map((item) => str(item, "code")));
    let code = newCode();
    for (let draw = 1; codes.has(code); draw++) {
      if (draw >= 10) throw new Error("Could not draw an unused pairing code in 10 attempts.");
      code = newCode();
    }
    const until = n(now + PAIRING_TTL_MS);
    const common = {
      code: s(code),
      until,
      [STATE_TABLE.ttlAttribute]: n(Math.ceil((now + PAIRING_TTL_MS) / 1000)),
    };
    const token = s(randomUUID());
    // 1. The request, keyed by sender: of a sender's racing messages, exactly one gets here first.
    const request: Item = {
      ...key(REQUESTS_PK, requestSk(channel, senderId)),
      kind: s("request"),
      channel: s(channel),
      senderId: s(senderId),
      ...(senderName === undefined ? {} : { senderName: s(senderName) }),
      createdAt: n(now),
      token,
      ...common,
    };
    const put = await putIfFree(client, table, request, now);
    if (!put.won) {
      // Another message of this sender got there first: its code is the one (unless it is already gone).
      return put.holder ? { code: str(put.holder, "code")!, created: false } : undefined;
    }
    // 2. A slot: at most PAIRING_MAX_PENDING exist per channel, so racing senders cannot pass the cap.
    for (let slot = 0; slot < PAIRING_MAX_PENDING; slot++) {
      if (taken.has(slotSk(channel, slot))) continue;
      const item = {
        ...key(REQUESTS_PK, slotSk(channel, slot)),
        kind: s("slot"),
        senderId: s(senderId),
        token,
        ...common,
      };
      if ((await putIfFree(client, table, item, now)).won) return { code, created: true };
    }
    await deleteIf(request, "#token = :token", { "#token": "token" }, { ":token": token });
    return null;
  }

  /** Removes a live request by code and frees its slot; `then` runs in between (approve's grant). */
  async function take(channel: string, typed: string, then?: (request: PairingRequest) => Promise<void>) {
    const code = normalizePairingCode(typed);
    const now = clock.now();
    const items = await query(REQUESTS_PK, channel);
    const found = items.find(
      (item) => isRequest(item) && str(item, "code") === code && num(item, "until") > now,
    );
    if (!found) return null;
    // The conditional delete decides a race between approve and deny: only one of them gets the item.
    const old = await deleteIf(
      found,
      "#code = :code AND #until > :now",
      { "#code": "code", "#until": "until" },
      { ":code": s(code), ":now": n(now) },
    );
    if (!old) return null;
    const request = toRequest(old);
    await then?.(request);
    const slot = items.find((item) => isSlot(item) && str(item, "code") === code);
    if (slot) await deleteIf(slot, "#code = :code", { "#code": "code" }, { ":code": s(code) });
    return request;
  }

  return {
    async request(channel, senderId, senderName) {
      for (let tries = 0; tries < 3; tries++) {
        const result = await attempt(channel, senderId, senderName);
        if (result !== undefined) return result;
      }
      return null;
    },

    async list(channel) {
      const now = clock.now();
      return (await query(REQUESTS_PK, channel))
        .filter((item) => isRequest(item) && num(item, "until") > now)
        .map(toRequest)
        .sort((a, b) => a.createdAt - b.createdAt || (a.code < b.code ? -1 : 1));
    },

    approve(channel, code) {
      return take(channel, code, async (request) => {
        await client.send(
          new PutItemCommand({
            TableName: table,
            Item: {
              ...key(ALLOWED_PK, allowedSk(request.channel, request.senderId)),
              channel: s(request.channel),
              senderId: s(request.senderId),
              ...(request.senderName === undefined ? {} : { senderName: s(request.senderName) }),
              approvedAt: n(clock.now()),
            },
          }),
        );
      });
    },

    deny(channel, code) {
      return take(channel, code);
    },

    async isAllowed(channel, senderId) {
      const { Item } = await client.send(
        new GetItemCommand({
          TableName: table,
          Key: key(ALLOWED_PK, allowedSk(channel, senderId)),
          ConsistentRead: true,
        }),
      );
      return Item !== undefined;
    },

    async allowed(channel) {
      return (await query(ALLOWED_PK, channel))
        .map(toSender)
        .sort(
          (a, b) =>
            a.approvedAt - b.approvedAt ||
            (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : a.senderId < b.senderId ? -1 : 1),
        );
    },

    async revoke(channel, senderId) {
      const { Attributes } = await client.send(
        new DeleteItemCommand({
          TableName: table,
          Key: key(ALLOWED_PK, allowedSk(channel, senderId)),
          ReturnValues: "ALL_OLD",
        }),
      );
      return Attributes !== undefined;
    },
  };
}
