import { create } from "@bufbuild/protobuf";
import { OperationCallbackResponseSchema } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import type { OperationCallbackRequest } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { requireAdminUuid } from "./validation.ts";

/** The proto ⇄ domain mapping of the Cloud's internal operation callback. */

export function fromProtoOperationCallback(request: OperationCallbackRequest): string {
  return requireAdminUuid(request.operationId, "operationId");
}

export function toProtoOperationCallback() {
  return create(OperationCallbackResponseSchema, {});
}
