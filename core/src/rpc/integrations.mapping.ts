import { create } from "@bufbuild/protobuf";
import {
  CreateIntegrationResponseSchema,
  GetIntegrationListResponseSchema,
  RemoveIntegrationResponseSchema,
} from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import type { CreateIntegrationRequest, RemoveIntegrationRequest } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import type { CreatedIntegration, IntegrationView } from "../domain/access/integrations.ts";
import { optionalText, requireUuidId } from "./validation.ts";

/** The proto ⇄ domain mapping of the integration RPCs. */

export function fromProtoCreateIntegration(request: CreateIntegrationRequest): { name?: string } {
  return { name: optionalText(request.name, "name") };
}

/** The only answer that carries the client secret: the database keeps a hash of it. */
export function toProtoCreatedIntegration(integration: CreatedIntegration) {
  return create(CreateIntegrationResponseSchema, integration);
}

/** The schema requires `clientSecret` in every item; it is answered empty because no secret is kept. */
export function toProtoIntegrationList(items: IntegrationView[], restrictedAccess: boolean) {
  return create(GetIntegrationListResponseSchema, {
    restrictedAccess,
    items: items.map((item) => ({ id: item.id, name: item.name, clientToken: item.clientToken, clientSecret: "" })),
  });
}

export function fromProtoRemoveIntegration(request: RemoveIntegrationRequest): string {
  return requireUuidId(request.id, "id");
}

export function toProtoRemoveIntegration(id: string, removed: boolean) {
  return create(RemoveIntegrationResponseSchema, { id, removed });
}
