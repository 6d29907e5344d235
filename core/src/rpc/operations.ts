import type { ServiceImpl } from "@connectrpc/connect";
import type { OperationService } from "@powerauth/proto/powerauth/operations/v1/operations_pb.js";
import {
  createOperationTemplate,
  getOperationTemplate,
  listOperationTemplates,
  removeOperationTemplate,
  updateOperationTemplate,
} from "../domain/operations/operation-templates.ts";
import {
  approveOperation,
  cancelOperation,
  createOperation,
  failApprovalOperation,
  getOperation,
  listOperations,
  rejectOperation,
} from "../domain/operations/operations.ts";
import type { Deps } from "./deps.ts";
import {
  fromProtoApproveOperation,
  fromProtoCancelOperation,
  fromProtoCreateOperation,
  fromProtoFailApprovalOperation,
  fromProtoGetOperation,
  fromProtoListOperations,
  fromProtoOperationTemplate,
  fromProtoRejectOperation,
  fromProtoTemplateName,
  toProtoApproveOperation,
  toProtoCancelOperation,
  toProtoCreateOperation,
  toProtoCreateOperationTemplate,
  toProtoFailApprovalOperation,
  toProtoGetOperation,
  toProtoGetOperationTemplate,
  toProtoListOperationTemplates,
  toProtoListOperations,
  toProtoRejectOperation,
  toProtoRemoveOperationTemplate,
  toProtoUpdateOperationTemplate,
} from "./operations.mapping.ts";

/** OperationService: operation templates and the operations users approve. */
export function operationHandlers(deps: Deps): ServiceImpl<typeof OperationService> {
  const { db } = deps;
  return {
    async createOperationTemplate(request) {
      return toProtoCreateOperationTemplate(await createOperationTemplate(db, fromProtoOperationTemplate(request.template)));
    },
    async listOperationTemplates() {
      return toProtoListOperationTemplates(await listOperationTemplates(db));
    },
    async getOperationTemplate(request) {
      return toProtoGetOperationTemplate(await getOperationTemplate(db, fromProtoTemplateName(request)));
    },
    async updateOperationTemplate(request) {
      return toProtoUpdateOperationTemplate(await updateOperationTemplate(db, fromProtoOperationTemplate(request.template)));
    },
    async removeOperationTemplate(request) {
      await removeOperationTemplate(db, fromProtoTemplateName(request));
      return toProtoRemoveOperationTemplate();
    },
    async createOperation(request) {
      return toProtoCreateOperation(await createOperation(db, fromProtoCreateOperation(request)));
    },
    async getOperation(request) {
      return toProtoGetOperation(await getOperation(db, fromProtoGetOperation(request)));
    },
    async listOperations(request) {
      return toProtoListOperations(await listOperations(db, fromProtoListOperations(request)));
    },
    async approveOperation(request) {
      return toProtoApproveOperation(await approveOperation(db, fromProtoApproveOperation(request)));
    },
    async rejectOperation(request) {
      return toProtoRejectOperation(await rejectOperation(db, fromProtoRejectOperation(request)));
    },
    async failApprovalOperation(request) {
      return toProtoFailApprovalOperation(await failApprovalOperation(db, fromProtoFailApprovalOperation(request)));
    },
    async cancelOperation(request) {
      return toProtoCancelOperation(await cancelOperation(db, fromProtoCancelOperation(request)));
    },
  };
}
