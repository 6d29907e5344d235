import { create } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import {
  ApplicationConfigSchema,
  CreateApplicationConfigRequestSchema,
  CreateApplicationConfigResponseSchema,
  GetApplicationConfigResponseSchema,
} from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { describe, expect, it } from "vitest";
import {
  fromJsonApplicationConfig,
  fromJsonApplicationConfigList,
  toJsonCreateApplicationConfigRequest,
  toJsonRemoveApplicationConfigRequest,
} from "../testing/rest-client.ts";
import { violationsOf } from "../testing/violations.ts";
import {
  fromJsonCreateApplicationConfigRequest,
  fromJsonRemoveApplicationConfigRequest,
  toJsonApplicationConfig,
  toJsonApplicationConfigList,
} from "./config.ts";

// The body of the REST specification (seed 000).
const CONFIG_LIST_JSON = {
  appId: "dev",
  applicationConfigs: [
    {
      key: "fido2_aaguids_allowed",
      values: ["b34d6780-4264-459e-9b99-600a21017a69", "2aa64fc5-bf88-4681-b18f-98404d0d3661"],
    },
    { key: "fido2_attestation_fmt_allowed", values: ["packed"] },
  ],
};

function stringValue(s: string) {
  return create(ValueSchema, { kind: { case: "stringValue", value: s } });
}

describe("application configuration mapping", () => {
  it("round-trips the configuration list of the specification", () => {
    const res = fromJsonApplicationConfigList(CONFIG_LIST_JSON);
    expect(res).toEqual(
      create(GetApplicationConfigResponseSchema, {
        appId: "dev",
        applicationConfigs: [
          create(ApplicationConfigSchema, {
            key: "fido2_aaguids_allowed",
            values: [
              stringValue("b34d6780-4264-459e-9b99-600a21017a69"),
              stringValue("2aa64fc5-bf88-4681-b18f-98404d0d3661"),
            ],
          }),
          create(ApplicationConfigSchema, { key: "fido2_attestation_fmt_allowed", values: [stringValue("packed")] }),
        ],
      }),
    );
    expect(toJsonApplicationConfigList(res)).toEqual(CONFIG_LIST_JSON);
  });

  it("keeps structured values (objects, numbers, booleans, null) intact", () => {
    const body = {
      key: "oauth2_providers",
      values: [{ providerId: "p1", scopes: ["openid"], pkceEnabled: true }, 42, false, null],
    };
    const req = fromJsonCreateApplicationConfigRequest("dev", body);
    expect(req.id).toBe("dev");
    expect(toJsonCreateApplicationConfigRequest(req)).toEqual(body);
  });

  it("round-trips create request and response, and the remove request", () => {
    const req = fromJsonCreateApplicationConfigRequest("dev", { key: "fido2_attestation_fmt_allowed", values: ["packed"] });
    expect(req).toEqual(
      create(CreateApplicationConfigRequestSchema, {
        id: "dev",
        key: "fido2_attestation_fmt_allowed",
        values: [stringValue("packed")],
      }),
    );
    const resJson = { appId: "dev", key: "fido2_attestation_fmt_allowed", values: ["packed"] };
    const res = fromJsonApplicationConfig(resJson);
    expect(res).toEqual(
      create(CreateApplicationConfigResponseSchema, {
        appId: "dev",
        key: "fido2_attestation_fmt_allowed",
        values: [stringValue("packed")],
      }),
    );
    expect(JSON.stringify(toJsonApplicationConfig(res))).toBe(JSON.stringify(resJson));
    const remove = fromJsonRemoveApplicationConfigRequest("dev", { key: "fido2_attestation_fmt_allowed" });
    expect(toJsonRemoveApplicationConfigRequest(remove)).toEqual({ key: "fido2_attestation_fmt_allowed" });
  });

  it("requires a key and an array of values", () => {
    expect(violationsOf(() => fromJsonCreateApplicationConfigRequest("dev", { values: "packed" }))).toEqual([
      { fieldName: "key", hint: "must not be empty", missing: true },
      { fieldName: "values", hint: "must be an array", missing: false },
    ]);
  });
});
