import { describe, expect, it } from "vitest";
import { ROUTES, createRouter } from "./routes.ts";

// Every endpoint of the REST specification (seed 000), in its order, written as it is served: the
// specification gives the push and telemetry paths without a leading slash.
const SPECIFIED = [
  "POST /admin/applications",
  "GET /admin/applications",
  "GET /admin/applications/{id}",
  "POST /admin/applications/roles",
  "POST /admin/applications/{id}/roles/remove",
  "GET /admin/applications/{id}/config",
  "POST /admin/applications/{id}/config",
  "DELETE /admin/applications/{id}/config",
  "POST /v2/admin/applications/{appId}/callbacks",
  "GET /v2/admin/applications/{appId}/callbacks",
  "PUT /v2/admin/applications/{appId}/callbacks/{callbackId}",
  "DELETE /v2/admin/applications/{appId}/callbacks/{callbackId}",
  "POST /internal/callback/operation",
  "GET /admin/applications/{id}/push",
  "POST /admin/applications/{id}/push/apns",
  "DELETE /admin/applications/{id}/push/apns",
  "POST /admin/applications/{id}/push/fcm",
  "DELETE /admin/applications/{id}/push/fcm",
  "POST /admin/applications/{id}/push/hms",
  "DELETE /admin/applications/{id}/push/hms",
  "GET /admin/telemetry/applications/{id}/users",
];

describe("ROUTES", () => {
  it("serves exactly the endpoints of the specification", () => {
    expect(ROUTES.map((r) => `${r.method} ${r.path}`)).toEqual(SPECIFIED);
  });
});

describe("createRouter()", () => {
  const route = createRouter();

  it("extracts and percent-decodes path parameters", () => {
    const m = route("PUT", "/v2/admin/applications/my%20app/callbacks/cb%2F1");
    expect(m).toMatchObject({ kind: "found", params: { appId: "my app", callbackId: "cb/1" } });
  });

  it("prefers the literal roles endpoint for POST and reads an application called 'roles' for GET", () => {
    expect(route("POST", "/admin/applications/roles")).toMatchObject({
      kind: "found",
      route: { path: "/admin/applications/roles" },
      params: {},
    });
    expect(route("GET", "/admin/applications/roles")).toMatchObject({
      kind: "found",
      route: { path: "/admin/applications/{id}" },
      params: { id: "roles" },
    });
  });

  it("lists the allowed methods when only the method is wrong", () => {
    expect(route("PUT", "/admin/applications")).toEqual({ kind: "method-not-allowed", allow: ["POST", "GET"] });
    expect(route("HEAD", "/admin/applications/A/push")).toEqual({ kind: "method-not-allowed", allow: ["GET"] });
  });

  it("matches nothing for unknown paths, trailing slashes, empty segments or broken percent-encoding", () => {
    for (const path of [
      "/admin",
      "/admin/applications/",
      "/admin/applications//roles/remove",
      "admin/applications",
      "/admin/applications/%E0%A4%A/config",
      "/v1/admin/applications/A/callbacks",
    ]) {
      expect(route("GET", path), path).toEqual({ kind: "not-found" });
    }
  });
});
