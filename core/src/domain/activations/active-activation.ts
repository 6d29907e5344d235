import type { Tx } from "../../persistence/tx.ts";
import type { ActivationRecord } from "../../persistence/activation.repository.ts";
import type { ApplicationVersion } from "../../persistence/application.entity.ts";
import { findActivation } from "../../persistence/activation.repository.ts";
import { ServiceError, ServiceErrors } from "../errors.ts";
import { ActivationStatus } from "./activation-status.ts";
import type { ActivationKeyCache, ActivationKeyMaterial } from "./activation-keys.ts";
import { findSupportedVersion } from "./application-keys.ts";

/**
 * The precondition of every activation-scope ECIES exchange that is not a signature (CreateToken,
 * GetEciesDecryptor): the activation exists (ERR0009), is ACTIVE (ERR0008), and the application key names
 * a supported version of its own application (ERR0015). Returns the keys the exchange needs.
 */
export async function requireActiveActivation(
  tx: Tx,
  activationKeys: ActivationKeyCache,
  input: { activationId: string; applicationKey: string },
): Promise<{ activation: ActivationRecord; version: ApplicationVersion; material: ActivationKeyMaterial }> {
  const activation = await findActivation(tx, input.activationId);
  if (!activation) throw new ServiceError(ServiceErrors.ACTIVATION_NOT_FOUND);
  if (activation.activationStatus !== ActivationStatus.ACTIVE) throw new ServiceError(ServiceErrors.ACTIVATION_INCORRECT_STATE);
  const version = await findSupportedVersion(tx, input.applicationKey);
  if (!version || version.applicationId !== activation.applicationId) throw new ServiceError(ServiceErrors.INVALID_APPLICATION);
  return { activation, version, material: activationKeys.materialFor(activation) };
}
