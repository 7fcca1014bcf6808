// Marks a failure of the model call itself (as opposed to storage or a tool), so callers can explain it.

export class ModelCallError extends Error {
  override readonly name = "ModelCallError";
  constructor(cause: unknown) {
    super((cause as Error)?.message ?? String(cause), { cause });
  }
}
