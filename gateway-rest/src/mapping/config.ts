// Configuration of an application (/admin/applications/{id}/config): keys with lists of arbitrary JSON values.

import { create } from "@bufbuild/protobuf";
import type { JsonValue } from "@bufbuild/protobuf";
import {
  CreateApplicationConfigRequestSchema,
  GetApplicationConfigRequestSchema,
  RemoveApplicationConfigRequestSchema,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import type {
  CreateApplicationConfigRequest,
  CreateApplicationConfigResponse,
  GetApplicationConfigRequest,
  GetApplicationConfigResponse,
  RemoveApplicationConfigRequest,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { JsonReader } from "../validation.ts";
import { fromJsonValue, toJsonValue } from "./common.ts";

export type ApplicationConfigJson = { key: string; values: JsonValue[] };

export type ApplicationConfigListJson = { appId: string; applicationConfigs: ApplicationConfigJson[] };

export type ApplicationConfigResultJson = { appId: string; key: string; values: JsonValue[] };

export function fromPathGetApplicationConfigRequest(id: string): GetApplicationConfigRequest {
  const r = new JsonReader();
  const req = create(GetApplicationConfigRequestSchema, { id: r.pathParam("id", id) });
  r.finish();
  return req;
}

export function toJsonApplicationConfigList(res: GetApplicationConfigResponse): ApplicationConfigListJson {
  return {
    appId: res.appId,
    applicationConfigs: res.applicationConfigs.map((c) => ({ key: c.key, values: c.values.map(toJsonValue) })),
  };
}

export function fromJsonCreateApplicationConfigRequest(id: string, body: unknown): CreateApplicationConfigRequest {
  const r = new JsonReader();
  const o = r.body(body);
  const req = create(CreateApplicationConfigRequestSchema, {
    id: r.pathParam("id", id),
    key: r.requiredString(o, "key"),
    values: r.optionalJsonArray(o, "values").map(fromJsonValue),
  });
  r.finish();
  return req;
}

export function toJsonApplicationConfig(res: CreateApplicationConfigResponse): ApplicationConfigResultJson {
  return { appId: res.appId, key: res.key, values: res.values.map(toJsonValue) };
}

export function fromJsonRemoveApplicationConfigRequest(id: string, body: unknown): RemoveApplicationConfigRequest {
  const r = new JsonReader();
  const o = r.body(body);
  const req = create(RemoveApplicationConfigRequestSchema, {
    id: r.pathParam("id", id),
    key: r.requiredString(o, "key"),
  });
  r.finish();
  return req;
}
