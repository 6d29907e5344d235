import { create } from "@bufbuild/protobuf";
import {
  CreateCallbackUrlResponseSchema,
  GetCallbackUrlListResponseSchema,
  RemoveCallbackUrlResponseSchema,
} from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import type {
  CreateCallbackUrlRequest,
  GetCallbackUrlListRequest,
  RemoveCallbackUrlRequest,
} from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import type { CallbackUrlView } from "../domain/callbacks/callback-urls.ts";
import { requireId, requireText, requireUuidId } from "./validation.ts";

/** The proto ⇄ domain mapping of the 0.22 SOAP callback methods (v3 CreateCallbackUrl, GetCallbackUrlList, RemoveCallbackUrl). */

/** Bounds what the core reads; whether the URL is usable (and not too long to store) is the domain's ERR0014. */
const MAX_URL_TEXT_LENGTH = 64 * 1024;

export function fromProtoCreateCallbackUrl(request: CreateCallbackUrlRequest): { applicationId: number; name: string; callbackUrl: string } {
  return {
    applicationId: requireId(request.applicationId, "applicationId"),
    name: requireText(request.name, "name"),
    callbackUrl: requireText(request.callbackUrl, "callbackUrl", MAX_URL_TEXT_LENGTH),
  };
}

export function toProtoCreatedCallbackUrl(callback: CallbackUrlView) {
  return create(CreateCallbackUrlResponseSchema, toProtoCallbackUrlFields(callback));
}

export function fromProtoGetCallbackUrlList(request: GetCallbackUrlListRequest): number {
  return requireId(request.applicationId, "applicationId");
}

export function toProtoCallbackUrlList(callbacks: CallbackUrlView[]) {
  return create(GetCallbackUrlListResponseSchema, { callbackUrlList: callbacks.map(toProtoCallbackUrlFields) });
}

export function fromProtoRemoveCallbackUrl(request: RemoveCallbackUrlRequest): string {
  return requireUuidId(request.id, "id");
}

export function toProtoRemoveCallbackUrl(id: string, removed: boolean) {
  return create(RemoveCallbackUrlResponseSchema, { id, removed });
}

function toProtoCallbackUrlFields(callback: CallbackUrlView) {
  return { id: callback.id, applicationId: BigInt(callback.applicationId), name: callback.name, callbackUrl: callback.callbackUrl };
}
