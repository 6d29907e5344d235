import { create } from "@bufbuild/protobuf";
import {
  CreateApplicationRequestSchema,
  CreateApplicationResponseSchema,
  GetApplicationDetailResponseSchema,
  ListApplicationsResponseSchema,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { describe, expect, it } from "vitest";
import {
  fromJsonApplicationList,
  fromJsonCreateApplicationResponse,
  fromJsonGetApplicationDetailResponse,
  toJsonCreateApplicationRequest,
} from "../testing/rest-client.ts";
import { APPLICATION_JSON } from "../testing/spec-examples.ts";
import { violationsOf } from "../testing/violations.ts";
import { fromJsonCreateApplicationRequest, toJsonApplication, toJsonApplicationList } from "./applications.ts";

describe("application mapping", () => {
  it("round-trips the create request of the specification", () => {
    const body = { id: "MY_APP_01", roles: ["ROLE1", "ROLE2"] };
    const req = fromJsonCreateApplicationRequest(body);
    expect(req).toEqual(create(CreateApplicationRequestSchema, { id: "MY_APP_01", roles: ["ROLE1", "ROLE2"] }));
    expect(toJsonCreateApplicationRequest(req)).toEqual(body);
  });

  it("treats absent roles as none", () => {
    expect(fromJsonCreateApplicationRequest({ id: "A" }).roles).toEqual([]);
  });

  it("writes the create and detail responses exactly like the specification, keys in order", () => {
    const created = fromJsonCreateApplicationResponse(APPLICATION_JSON);
    expect(created).toEqual(create(CreateApplicationResponseSchema, APPLICATION_JSON));
    expect(JSON.stringify(toJsonApplication(created))).toBe(JSON.stringify(APPLICATION_JSON));
    const detail = fromJsonGetApplicationDetailResponse(APPLICATION_JSON);
    expect(detail).toEqual(create(GetApplicationDetailResponseSchema, APPLICATION_JSON));
    expect(JSON.stringify(toJsonApplication(detail))).toBe(JSON.stringify(APPLICATION_JSON));
  });

  it("round-trips the application list", () => {
    const json = { applications: [{ id: "demo-app1" }, { id: "demo-app2" }] };
    const res = fromJsonApplicationList(json);
    expect(res).toEqual(create(ListApplicationsResponseSchema, { applications: [{ id: "demo-app1" }, { id: "demo-app2" }] }));
    expect(toJsonApplicationList(res)).toEqual(json);
  });

  it("rejects a body that is not an object", () => {
    expect(violationsOf(() => fromJsonCreateApplicationRequest(["MY_APP_01"]))[0]).toEqual({
      fieldName: "body",
      hint: "must be a JSON object",
      missing: false,
    });
  });
});
