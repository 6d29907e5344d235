import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { ActivationStatus as ProtoActivationStatus, SignatureType as ProtoSignatureType } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import type { SignatureType } from "../crypto/multi-factor-signature.ts";
import type { ActivationStatusName } from "../domain/activations/activation-status.ts";

/** Proto values that several handler groups answer with; each group's own mapping is in its `*.mapping.ts`. */

export function toProtoTimestamp(date: Date): Timestamp {
  return timestampFromDate(date);
}

export function toProtoOptionalTimestamp(date: Date | null | undefined): Timestamp | undefined {
  return date ? timestampFromDate(date) : undefined;
}

export function toProtoActivationStatus(status: ActivationStatusName): ProtoActivationStatus {
  return ProtoActivationStatus[status];
}

export function toProtoSignatureType(type: SignatureType): ProtoSignatureType {
  return ProtoSignatureType[type];
}

/** Audit rows keep the type as text; a value the enum does not know is reported as UNSPECIFIED. */
export function toProtoStoredSignatureType(type: string): ProtoSignatureType {
  const value = (ProtoSignatureType as Record<string, ProtoSignatureType | string>)[type];
  return typeof value === "number" && value !== ProtoSignatureType.UNSPECIFIED ? value : ProtoSignatureType.UNSPECIFIED;
}
