import type { Tx } from "./tx.ts";
import { Token } from "./token.entity.ts";

export function findTokenWithSecret(tx: Tx, tokenId: string) {
  return tx.findOne(Token, { tokenId }, { populate: ["tokenSecret"] });
}

export async function tokenIdExists(tx: Tx, tokenId: string): Promise<boolean> {
  return (await tx.count(Token, { tokenId })) > 0;
}

/** Deletes the token only when it belongs to the activation; true when a row was deleted. */
export async function deleteTokenOfActivation(tx: Tx, tokenId: string, activationId: string): Promise<boolean> {
  return (await tx.nativeDelete(Token, { tokenId, activationId })) > 0;
}
