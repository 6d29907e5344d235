// The REST surface: every endpoint of the Cloud Admin API specification, each translated into exactly one
// AdminService call. The specification writes the push and telemetry paths without a leading slash; they
// are served with one, like every other path.

import type { CallOptions } from "@connectrpc/connect";
import type { AdminClient } from "./core-client.ts";
import type { ValidationStyle } from "./errors.ts";
import {
  fromJsonCreateApplicationRequest,
  fromPathGetApplicationDetailRequest,
  toJsonApplication,
  toJsonApplicationList,
} from "./mapping/applications.ts";
import {
  fromJsonCreateCallbackRequest,
  fromJsonOperationCallbackRequest,
  fromJsonUpdateCallbackRequest,
  fromPathListCallbacksRequest,
  fromPathRemoveCallbackRequest,
  toJsonCallback,
  toJsonCallbackList,
} from "./mapping/callbacks.ts";
import { STATUS_OK } from "./mapping/common.ts";
import {
  fromJsonCreateApplicationConfigRequest,
  fromJsonRemoveApplicationConfigRequest,
  fromPathGetApplicationConfigRequest,
  toJsonApplicationConfig,
  toJsonApplicationConfigList,
} from "./mapping/config.ts";
import {
  fromJsonUpdatePushApnsConfigRequest,
  fromJsonUpdatePushFcmConfigRequest,
  fromJsonUpdatePushHmsConfigRequest,
  fromPathDeletePushApnsConfigRequest,
  fromPathDeletePushFcmConfigRequest,
  fromPathDeletePushHmsConfigRequest,
  fromPathGetPushConfigRequest,
  toJsonPushConfig,
} from "./mapping/push.ts";
import { fromJsonAddApplicationRolesRequest, fromJsonRemoveApplicationRolesRequest } from "./mapping/roles.ts";
import { fromPathGetUniqueActiveUsersRequest, toJsonUniqueActiveUsers } from "./mapping/telemetry.ts";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

/** What a handler gets: decoded path parameters, the query, the parsed body (undefined when empty). */
export type RouteContext = {
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  body: unknown;
  admin: AdminClient;
  call: CallOptions;
};

export type Route = {
  method: HttpMethod;
  /** Path template of the specification; `{name}` matches one non-empty path segment. */
  path: string;
  /** Whether the endpoint takes a JSON body (others ignore any body sent). */
  body: boolean;
  validation: ValidationStyle;
  /** Validates and maps the request, calls the core once, and returns the JSON body of a 200 answer. */
  handle(ctx: RouteContext): Promise<unknown>;
};

export const ROUTES: readonly Route[] = [
  // Applications
  {
    method: "POST",
    path: "/admin/applications",
    body: true,
    validation: "violations",
    handle: async ({ body, admin, call }) =>
      toJsonApplication(await admin.createApplication(fromJsonCreateApplicationRequest(body), call)),
  },
  {
    method: "GET",
    path: "/admin/applications",
    body: false,
    validation: "violations",
    handle: async ({ admin, call }) => toJsonApplicationList(await admin.listApplications({}, call)),
  },
  {
    method: "GET",
    path: "/admin/applications/{id}",
    body: false,
    validation: "violations",
    handle: async ({ params, admin, call }) =>
      toJsonApplication(await admin.getApplicationDetail(fromPathGetApplicationDetailRequest(params.id), call)),
  },
  {
    method: "POST",
    path: "/admin/applications/roles",
    body: true,
    validation: "violations",
    handle: async ({ body, admin, call }) => {
      await admin.addApplicationRoles(fromJsonAddApplicationRolesRequest(body), call);
      return STATUS_OK;
    },
  },
  {
    method: "POST",
    path: "/admin/applications/{id}/roles/remove",
    body: true,
    validation: "violations",
    handle: async ({ params, body, admin, call }) => {
      await admin.removeApplicationRoles(fromJsonRemoveApplicationRolesRequest(params.id, body), call);
      return STATUS_OK;
    },
  },

  // Application configuration
  {
    method: "GET",
    path: "/admin/applications/{id}/config",
    body: false,
    validation: "violations",
    handle: async ({ params, admin, call }) =>
      toJsonApplicationConfigList(
        await admin.getApplicationConfig(fromPathGetApplicationConfigRequest(params.id), call),
      ),
  },
  {
    method: "POST",
    path: "/admin/applications/{id}/config",
    body: true,
    validation: "violations",
    handle: async ({ params, body, admin, call }) =>
      toJsonApplicationConfig(
        await admin.createApplicationConfig(fromJsonCreateApplicationConfigRequest(params.id, body), call),
      ),
  },
  {
    method: "DELETE",
    path: "/admin/applications/{id}/config",
    body: true,
    validation: "violations",
    handle: async ({ params, body, admin, call }) => {
      await admin.removeApplicationConfig(fromJsonRemoveApplicationConfigRequest(params.id, body), call);
      return STATUS_OK;
    },
  },

  // Callbacks
  {
    method: "POST",
    path: "/v2/admin/applications/{appId}/callbacks",
    body: true,
    validation: "violations",
    handle: async ({ params, body, admin, call }) =>
      toJsonCallback(await admin.createCallback(fromJsonCreateCallbackRequest(params.appId, body), call)),
  },
  {
    method: "GET",
    path: "/v2/admin/applications/{appId}/callbacks",
    body: false,
    validation: "violations",
    handle: async ({ params, admin, call }) =>
      toJsonCallbackList(await admin.listCallbacks(fromPathListCallbacksRequest(params.appId), call)),
  },
  {
    method: "PUT",
    path: "/v2/admin/applications/{appId}/callbacks/{callbackId}",
    body: true,
    validation: "violations",
    handle: async ({ params, body, admin, call }) =>
      toJsonCallback(
        await admin.updateCallback(fromJsonUpdateCallbackRequest(params.appId, params.callbackId, body), call),
      ),
  },
  {
    method: "DELETE",
    path: "/v2/admin/applications/{appId}/callbacks/{callbackId}",
    body: false,
    validation: "violations",
    handle: async ({ params, admin, call }) => {
      await admin.removeCallback(fromPathRemoveCallbackRequest(params.appId, params.callbackId), call);
      return STATUS_OK;
    },
  },

  // Internal
  {
    method: "POST",
    path: "/internal/callback/operation",
    body: true,
    validation: "required-parameter",
    handle: async ({ body, admin, call }) => {
      await admin.operationCallback(fromJsonOperationCallbackRequest(body), call);
      return STATUS_OK;
    },
  },

  // Push notification credentials (specification: "admin/applications/{id}/push…")
  {
    method: "GET",
    path: "/admin/applications/{id}/push",
    body: false,
    validation: "violations",
    handle: async ({ params, admin, call }) =>
      toJsonPushConfig(await admin.getPushConfig(fromPathGetPushConfigRequest(params.id), call)),
  },
  {
    method: "POST",
    path: "/admin/applications/{id}/push/apns",
    body: true,
    validation: "required-parameter",
    handle: async ({ params, body, admin, call }) =>
      toJsonPushConfig(
        await admin.updatePushApnsConfig(fromJsonUpdatePushApnsConfigRequest(params.id, body), call),
      ),
  },
  {
    method: "DELETE",
    path: "/admin/applications/{id}/push/apns",
    body: false,
    validation: "violations",
    handle: async ({ params, admin, call }) => {
      await admin.deletePushApnsConfig(fromPathDeletePushApnsConfigRequest(params.id), call);
      return STATUS_OK;
    },
  },
  {
    method: "POST",
    path: "/admin/applications/{id}/push/fcm",
    body: true,
    validation: "required-parameter",
    handle: async ({ params, body, admin, call }) =>
      toJsonPushConfig(await admin.updatePushFcmConfig(fromJsonUpdatePushFcmConfigRequest(params.id, body), call)),
  },
  {
    method: "DELETE",
    path: "/admin/applications/{id}/push/fcm",
    body: false,
    validation: "violations",
    handle: async ({ params, admin, call }) => {
      await admin.deletePushFcmConfig(fromPathDeletePushFcmConfigRequest(params.id), call);
      return STATUS_OK;
    },
  },
  {
    method: "POST",
    path: "/admin/applications/{id}/push/hms",
    body: true,
    validation: "required-parameter",
    handle: async ({ params, body, admin, call }) =>
      toJsonPushConfig(await admin.updatePushHmsConfig(fromJsonUpdatePushHmsConfigRequest(params.id, body), call)),
  },
  {
    method: "DELETE",
    path: "/admin/applications/{id}/push/hms",
    body: false,
    validation: "violations",
    handle: async ({ params, admin, call }) => {
      await admin.deletePushHmsConfig(fromPathDeletePushHmsConfigRequest(params.id), call);
      return STATUS_OK;
    },
  },

  // Telemetry (specification: "admin/telemetry/applications/{id}/users")
  {
    method: "GET",
    path: "/admin/telemetry/applications/{id}/users",
    body: false,
    validation: "violations",
    handle: async ({ params, query, admin, call }) =>
      toJsonUniqueActiveUsers(
        await admin.getUniqueActiveUsers(fromPathGetUniqueActiveUsersRequest(params.id, query.get("days")), call),
      ),
  },
];

export type RouteMatch =
  | { kind: "found"; route: Route; params: Record<string, string> }
  | { kind: "method-not-allowed"; allow: HttpMethod[] }
  | { kind: "not-found" };

/** Finds the endpoint for a method and a raw request path (without query). */
export type Router = (method: string, path: string) => RouteMatch;

type CompiledRoute = { route: Route; pattern: RegExp; names: string[] };

/**
 * A literal segment beats a parameter, so POST /admin/applications/roles adds roles while
 * GET /admin/applications/roles reads application "roles".
 */
export function createRouter(routes: readonly Route[] = ROUTES): Router {
  const compiled = routes.map(compile);
  return (method, path) => {
    const hits: { route: Route; params: Record<string, string> }[] = [];
    for (const { route, pattern, names } of compiled) {
      const m = pattern.exec(path);
      if (m === null) continue;
      const params = decodeParams(names, m.slice(1));
      if (params !== undefined) hits.push({ route, params });
    }
    if (hits.length === 0) return { kind: "not-found" };
    const sameMethod = hits.filter((h) => h.route.method === method);
    if (sameMethod.length === 0) {
      return { kind: "method-not-allowed", allow: [...new Set(hits.map((h) => h.route.method))] };
    }
    sameMethod.sort((a, b) => Object.keys(a.params).length - Object.keys(b.params).length);
    return { kind: "found", ...sameMethod[0] };
  };
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split("/")
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (param === null) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(param[1]);
      return "([^/]+)";
    })
    .join("/");
  return { route, pattern: new RegExp(`^${source}$`), names };
}

/** Undefined when a segment is not valid percent-encoding, which then matches no endpoint. */
function decodeParams(names: string[], raw: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  try {
    names.forEach((name, i) => {
      params[name] = decodeURIComponent(raw[i]);
    });
  } catch {
    return undefined;
  }
  return params;
}
