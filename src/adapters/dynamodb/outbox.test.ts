// The outbox on DynamoDB: the shared contract against dynalite on loopback.
import { freshTables, useDynalite } from "../../../test/emulators/dynalite.ts";
import { outboxContract } from "../../ports/outbox.contract.ts";
import { createFakeClock } from "../../util/fake-clock.ts";
import { createDynamoOutbox } from "./outbox.ts";

const dynalite = useDynalite();

outboxContract("dynamodb", async () => {
  const { state } = await freshTables(dynalite.client);
  return {
    outbox: createDynamoOutbox({ client: dynalite.client, table: state }),
    clock: createFakeClock(),
    cleanup: async () => {},
  };
});
