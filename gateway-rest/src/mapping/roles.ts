// Roles of an application (/admin/applications/roles, /admin/applications/{id}/roles/remove). Both answer
// STATUS_OK, so there is no response mapping.

import { create } from "@bufbuild/protobuf";
import {
  AddApplicationRolesRequestSchema,
  RemoveApplicationRolesRequestSchema,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import type {
  AddApplicationRolesRequest,
  RemoveApplicationRolesRequest,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { JsonReader } from "../validation.ts";

export function fromJsonAddApplicationRolesRequest(body: unknown): AddApplicationRolesRequest {
  const r = new JsonReader();
  const o = r.body(body);
  const req = create(AddApplicationRolesRequestSchema, {
    id: r.requiredString(o, "id"),
    roles: r.requiredStringArray(o, "roles"),
  });
  r.finish();
  return req;
}

export function fromJsonRemoveApplicationRolesRequest(id: string, body: unknown): RemoveApplicationRolesRequest {
  const r = new JsonReader();
  const o = r.body(body);
  const req = create(RemoveApplicationRolesRequestSchema, {
    id: r.pathParam("id", id),
    roles: r.requiredStringArray(o, "roles"),
  });
  r.finish();
  return req;
}
