import { describe, expect, it } from "vitest";
import { toJsonAddApplicationRolesRequest, toJsonRemoveApplicationRolesRequest } from "../testing/rest-client.ts";
import { violationsOf } from "../testing/violations.ts";
import { fromJsonAddApplicationRolesRequest, fromJsonRemoveApplicationRolesRequest } from "./roles.ts";

describe("application roles mapping", () => {
  it("round-trips adding roles (ID in the body) and removing roles (ID in the path)", () => {
    const add = fromJsonAddApplicationRolesRequest({ id: "MY_APP_01", roles: ["ROLE1", "ROLE2"] });
    expect(toJsonAddApplicationRolesRequest(add)).toEqual({ id: "MY_APP_01", roles: ["ROLE1", "ROLE2"] });
    const remove = fromJsonRemoveApplicationRolesRequest("MY_APP_01", { roles: ["ROLE1"] });
    expect(remove.id).toBe("MY_APP_01");
    expect(fromJsonRemoveApplicationRolesRequest(remove.id, toJsonRemoveApplicationRolesRequest(remove))).toEqual(remove);
  });

  it("reports a missing application ID the way the specification shows", () => {
    expect(violationsOf(() => fromJsonAddApplicationRolesRequest({ roles: ["ROLE1"] }))).toEqual([
      { fieldName: "id", hint: "must not be empty", missing: true },
    ]);
  });

  it("reports every invalid field at once", () => {
    expect(violationsOf(() => fromJsonAddApplicationRolesRequest({ id: 7, roles: ["ok", 3, " "] }))).toEqual([
      { fieldName: "id", hint: "must be a string", missing: false },
      { fieldName: "roles[1]", hint: "must be a string", missing: false },
      { fieldName: "roles[2]", hint: "must not be blank", missing: true },
    ]);
  });
});
