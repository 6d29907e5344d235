import type { Tx } from "./db.ts";
import { Activation } from "./activation.entity.ts";
import { SignatureAudit } from "./signature-audit.entity.ts";

/**
 * Audit rows of a user's activations (optionally of one application) within [from, to], newest first, each
 * with the activation it belongs to (the reference reports the activation's user and application).
 */
export async function listSignatureAuditOfUser(
  tx: Tx,
  query: { userId: string; applicationId?: number; from: Date; to: Date },
): Promise<{ audit: SignatureAudit; activation: Activation }[]> {
  const activations = await tx.find(
    Activation,
    query.applicationId === undefined ? { userId: query.userId } : { userId: query.userId, applicationId: query.applicationId },
  );
  if (activations.length === 0) return [];
  const byId = new Map(activations.map((activation) => [activation.activationId, activation]));
  const rows = await tx.find(
    SignatureAudit,
    { activationId: { $in: [...byId.keys()] }, timestampCreated: { $gte: query.from, $lte: query.to } },
    { orderBy: { timestampCreated: "desc", id: "desc" } },
  );
  return rows.map((audit) => ({ audit, activation: byId.get(audit.activationId) as Activation }));
}
