// Applications (/admin/applications): create, list, detail. REST JSON ⇄ AdminService messages; the roles and
// the configuration of an application have their own files.

import { create } from "@bufbuild/protobuf";
import {
  CreateApplicationRequestSchema,
  GetApplicationDetailRequestSchema,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import type {
  CreateApplicationRequest,
  CreateApplicationResponse,
  GetApplicationDetailRequest,
  GetApplicationDetailResponse,
  ListApplicationsResponse,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { JsonReader } from "../validation.ts";

export type ApplicationJson = {
  id: string;
  serviceBaseUrl: string;
  mobileSdkConfig: string;
  roles: string[];
  appKey: string;
  appSecret: string;
  masterServerPublicKey: string;
};

export type ApplicationListJson = { applications: { id: string }[] };

export function fromJsonCreateApplicationRequest(body: unknown): CreateApplicationRequest {
  const r = new JsonReader();
  const o = r.body(body);
  const req = create(CreateApplicationRequestSchema, {
    id: r.requiredString(o, "id"),
    roles: r.optionalStringArray(o, "roles", true),
  });
  r.finish();
  return req;
}

export function fromPathGetApplicationDetailRequest(id: string): GetApplicationDetailRequest {
  const r = new JsonReader();
  const req = create(GetApplicationDetailRequestSchema, { id: r.pathParam("id", id) });
  r.finish();
  return req;
}

/** Create and detail answer the same body. */
export function toJsonApplication(res: CreateApplicationResponse | GetApplicationDetailResponse): ApplicationJson {
  return {
    id: res.id,
    serviceBaseUrl: res.serviceBaseUrl,
    mobileSdkConfig: res.mobileSdkConfig,
    roles: [...res.roles],
    appKey: res.appKey,
    appSecret: res.appSecret,
    masterServerPublicKey: res.masterServerPublicKey,
  };
}

export function toJsonApplicationList(res: ListApplicationsResponse): ApplicationListJson {
  return { applications: res.applications.map((a) => ({ id: a.id })) };
}
