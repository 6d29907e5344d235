import { OperationTemplate } from "./operation.entity.ts";
import type { Tx } from "./tx.ts";

export function findOperationTemplate(tx: Tx, templateName: string) {
  return tx.findOne(OperationTemplate, { templateName });
}

export function listOperationTemplates(tx: Tx) {
  return tx.find(OperationTemplate, {}, { orderBy: { templateName: "asc" } });
}

/** True when a row was deleted. */
export async function deleteOperationTemplate(tx: Tx, templateName: string): Promise<boolean> {
  return (await tx.nativeDelete(OperationTemplate, { templateName })) > 0;
}
