import { create } from "@bufbuild/protobuf";
import { GetUniqueActiveUsersResponseSchema } from "@powerauth/proto/powerauth/admin/v1/admin_pb.js";
import { describe, expect, it } from "vitest";
import { fromJsonUniqueActiveUsers } from "../testing/rest-client.ts";
import { violationsOf } from "../testing/violations.ts";
import { fromPathGetUniqueActiveUsersRequest, toJsonUniqueActiveUsers } from "./telemetry.ts";

describe("telemetry mapping", () => {
  it("round-trips the unique-users answer", () => {
    const json = { applicationId: "MyApp", days: 7, users: 42 };
    const res = fromJsonUniqueActiveUsers(json);
    expect(res).toEqual(create(GetUniqueActiveUsersResponseSchema, { applicationId: "MyApp", days: 7, users: 42n }));
    expect(JSON.stringify(toJsonUniqueActiveUsers(res))).toBe(JSON.stringify(json));
  });

  it("passes days through when given and leaves the default to the core", () => {
    expect(fromPathGetUniqueActiveUsersRequest("MyApp", "7").days).toBe(7);
    expect(fromPathGetUniqueActiveUsersRequest("MyApp", null).days).toBeUndefined();
    expect(violationsOf(() => fromPathGetUniqueActiveUsersRequest("MyApp", "7.5"))).toEqual([
      { fieldName: "days", hint: "must be a 32-bit integer", missing: false },
    ]);
    expect(violationsOf(() => fromPathGetUniqueActiveUsersRequest("MyApp", "99999999999"))).toHaveLength(1);
  });
});
