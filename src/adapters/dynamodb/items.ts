// Shared by the DynamoDB adapters: attribute values, and the conditional put they build claims,
// leases and pairing requests on (single conditional writes: no transactions, so dynalite runs them).
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
} from "@aws-sdk/client-dynamodb";

export type Item = Record<string, AttributeValue>;

export const s = (value: string) => ({ S: value });
export const n = (value: number) => ({ N: String(value) });
/** A TTL attribute (epoch seconds) for an expiry in milliseconds. */
/** Every item a query matches, page after page (a consistent read). */
export async function queryAll(
  client: DynamoDBClient,
  input: Omit<QueryCommandInput, "ExclusiveStartKey" | "ConsistentRead">,
): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await client.send(
      new QueryCommand({ ...input, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

export const ttlSeconds = (untilMs: number) => n(Math.ceil(untilMs / 1000));

/** True for the error a failed ConditionExpression raises. */
export function isConditionFailed(err: unknown): boolean {
  return err instanceof Error && err.name === "ConditionalCheckFailedException";
}

/**
 * Puts `item` (which carries `until` and a unique `token`) unless a live item (until > now) holds its
 * key; otherwise returns the holder. The token settles an ambiguous outcome: when the SDK retries a
 * put whose first attempt landed, the condition fails on our own item, and the read-back shows it.
 */
export async function putIfFree(
  client: DynamoDBClient,
  table: string,
  item: Item,
  now: number,
): Promise<{ won: true } | { won: false; holder?: Item }> {
  try {
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: item,
        // An item lives for [now, until): at `until` it has expired, as in the SQLite adapters.
        ConditionExpression: "attribute_not_exists(pk) OR #until <= :now",
        ExpressionAttributeNames: { "#until": "until" },
        ExpressionAttributeValues: { ":now": n(now) },
      }),
    );
    return { won: true };
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
    const { Item } = await client.send(
      new GetItemCommand({
        TableName: table,
        Key: { pk: item["pk"]!, sk: item["sk"]! },
        ConsistentRead: true,
      }),
    );
    return Item !== undefined && Item["token"]?.S === item["token"]?.S
      ? { won: true }
      : { won: false, holder: Item };
  }
}
