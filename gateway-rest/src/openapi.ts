// The OpenAPI 3.1 description of the Cloud Admin API as this gateway serves it: every route of routes.ts with
// its request and response bodies (as the mapping modules read and write them), the error envelope of
// errors.ts and HTTP Basic, and the observability paths answered before any credential check
// (observability.ts). Served at /v3/api-docs; tests check it against a validator, against the router and the
// observability paths (every path documented, every documented path served) and against every response the
// end-to-end tests receive, so the document cannot drift from the code unnoticed.

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const string = (description: string, extra: Schema = {}): Schema => ({ type: "string", description, ...extra });
const strings = (description: string): Schema => ({ type: "array", items: { type: "string" }, description });
/** An object whose listed properties are all required, and which has no others. */
const closed = (properties: Record<string, Schema>, optional: readonly string[] = []): Schema => ({
  type: "object",
  properties,
  required: Object.keys(properties).filter((name) => !optional.includes(name)),
  additionalProperties: false,
});

const ISO_DURATION = "^P(?!$)(\\d+Y)?(\\d+M)?(\\d+W)?(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+(\\.\\d+)?S)?)?$";
const CALLBACK_TYPE = { type: "string", enum: ["REGISTRATION_STATUS_CHANGE", "OPERATION_STATUS_CHANGE"] };

const schemas: Record<string, Schema> = {
  ErrorResponse: {
    ...closed({
      status: { const: "ERROR" },
      responseObject: closed(
        {
          code: string("Error code: one of the specification's table, ERROR_ADMIN, or HTTP_401/HTTP_403/HTTP_429."),
          message: string("Human-readable English message."),
          violations: {
            type: "array",
            description: "Each field that failed validation (only for validation failures).",
            items: closed({ fieldName: string("Field (path) that failed."), hint: string("What is wrong with it.") }),
          },
        },
        ["violations"],
      ),
    }),
    description: "The error envelope of every failure.",
  },
  StatusOk: { ...closed({ status: { const: "OK" } }), description: "Fixed answer of calls without a result." },
  CreateApplicationRequest: closed(
    { id: string("Name of the application.", { minLength: 1, maxLength: 255 }), roles: strings("Initial application roles.") },
    ["roles"],
  ),
  Application: closed({
    id: string("Name of the application."),
    serviceBaseUrl: string("Base URL of the PowerAuth Standard RESTful API."),
    mobileSdkConfig: string("Configuration string for the mobile SDK."),
    roles: strings("Application roles."),
    appKey: string("(deprecated) App key for the mobile app configuration."),
    appSecret: string("(deprecated) App secret for the mobile app configuration."),
    masterServerPublicKey: string("(deprecated) Master server public key for the mobile app configuration."),
  }),
  ApplicationList: closed({
    applications: { type: "array", items: closed({ id: string("Unique identifier of the application.") }) },
  }),
  AddApplicationRolesRequest: closed({ id: string("Name of the application.", { minLength: 1 }), roles: strings("Roles to add.") }),
  RemoveApplicationRolesRequest: closed({ roles: strings("Roles to remove.") }),
  ConfigValues: { type: "array", items: {}, description: "Configuration values for the key (any JSON values)." },
  ApplicationConfigList: closed({
    appId: string("Identifier of the application."),
    applicationConfigs: { type: "array", items: closed({ key: string("Configuration key."), values: ref("ConfigValues") }) },
  }),
  CreateApplicationConfigRequest: closed({ key: string("Configuration key to create or update."), values: ref("ConfigValues") }, ["values"]),
  ApplicationConfig: closed({ appId: string("Identifier of the application."), key: string("Configuration key."), values: ref("ConfigValues") }),
  RemoveApplicationConfigRequest: closed({ key: string("Configuration key to remove.") }),
  CallbackAuthenticationRequest: closed(
    {
      httpBasic: closed(
        { enabled: { type: "boolean" }, username: { type: "string" }, password: string("Write-only: never returned.") },
        ["enabled", "username", "password"],
      ),
      oauth2: {
        type: "object",
        properties: {
          enabled: { type: "boolean" },
          clientId: { type: "string" },
          clientSecret: string("Write-only: never returned."),
          tokenUri: { type: "string" },
          scope: { type: "string" },
        },
        description: "OAuth 2.0 client credentials; other fields (such as clientSecretSet of the specification's example) are ignored.",
      },
    },
    ["httpBasic", "oauth2"],
  ),
  CallbackRequest: closed(
    {
      name: string("Name of the callback."),
      type: CALLBACK_TYPE,
      callbackUrl: string("URL that receives the callback events."),
      attributes: strings("Attributes to include into the callback."),
      authentication: ref("CallbackAuthenticationRequest"),
      retentionPeriod: string("ISO 8601 duration a delivered event is kept.", { pattern: ISO_DURATION }),
      initialBackoff: string("ISO 8601 duration before the first retry.", { pattern: ISO_DURATION }),
      maxAttempts: { type: "integer", description: "Most delivery attempts of one event." },
    },
    ["attributes", "authentication", "retentionPeriod", "initialBackoff", "maxAttempts"],
  ),
  Callback: closed(
    {
      applicationId: string("Application the callback belongs to."),
      callbackId: string("Callback ID assigned by the service."),
      name: string("Name of the callback."),
      type: CALLBACK_TYPE,
      callbackUrl: string("URL that receives the callback events."),
      attributes: strings("Attributes included into the callback."),
      authentication: closed(
        {
          httpBasic: closed({ enabled: { type: "boolean" }, username: { type: "string" }, passwordSet: { type: "boolean" } }, ["username"]),
          oauth2: closed(
            {
              enabled: { type: "boolean" },
              clientId: { type: "string" },
              clientSecretSet: { type: "boolean" },
              tokenUri: { type: "string" },
              scope: { type: "string" },
            },
            ["clientId", "tokenUri", "scope"],
          ),
        },
        ["httpBasic", "oauth2"],
      ),
      retentionPeriod: { type: "string" },
      initialBackoff: { type: "string" },
      maxAttempts: { type: "integer" },
    },
    ["type", "authentication", "retentionPeriod", "initialBackoff", "maxAttempts"],
  ),
  CallbackList: closed({ callbacks: { type: "array", items: ref("Callback") } }),
  OperationCallbackRequest: closed({ operationId: string("ID of the operation whose status changed.", { format: "uuid" }) }),
  PushConfig: closed(
    {
      id: string("ID of the application."),
      apns: closed({
        topic: string("Bundle ID (APNs topic)."),
        keyId: string("APNs key ID."),
        teamId: string("Apple team ID."),
        environment: { type: "string", enum: ["DEVELOPMENT", "PRODUCTION"] },
      }),
      fcm: closed({ projectId: string("Firebase project ID.") }),
      hms: closed({ projectId: string("HMS project ID.") }),
    },
    ["apns", "fcm", "hms"],
  ),
  UpdatePushApnsRequest: closed({
    topic: string("APNs topic (bundle ID)."),
    keyId: string("10-character APNs key ID."),
    teamId: string("10-character Apple team ID."),
    environment: { type: "string", enum: ["DEVELOPMENT", "PRODUCTION"] },
    privateKeyBase64: string("Base64 of the .p8 key file (PKCS#8 EC P-256 in PEM). Write-only."),
  }),
  UpdatePushFcmRequest: closed(
    {
      projectId: string("Firebase project ID; must equal project_id of the key file when given."),
      privateKeyBase64: string("Base64 of the service-account JSON key file. Write-only."),
    },
    ["projectId"],
  ),
  UpdatePushHmsRequest: closed({
    projectId: string("HMS project ID."),
    appId: string("HMS application ID."),
    clientId: string("Huawei OAuth 2.0 client ID."),
    clientSecret: string("Huawei OAuth 2.0 client secret. Write-only."),
  }),
  UniqueActiveUsers: closed({
    applicationId: string("ID of the queried application."),
    days: { type: "integer", description: "Days from the past until today." },
    users: { type: "integer", description: "Number of distinct active users." },
  }),
};

const errorResponse = (description: string): Schema => ({
  description,
  content: { "application/json": { schema: ref("ErrorResponse") } },
});

const responses: Record<string, Schema> = {
  BadRequest: errorResponse("Validation failed (ERROR_REQUEST, with violations where the endpoint lists them) or a business rule refused it (ERROR_ADMIN)."),
  Unauthorized: {
    ...errorResponse("Missing or wrong credentials (HTTP_401); checked before the path or the body."),
    headers: { "WWW-Authenticate": { schema: { type: "string" } } },
  },
  TooManyRequests: {
    ...errorResponse("Too many failed logins for this username or client address (HTTP_429)."),
    headers: { "Retry-After": { description: "Seconds to wait before trying again.", schema: { type: "integer" } } },
  },
  PayloadTooLarge: errorResponse("The body exceeds the gateway's limit (ERROR_REQUEST)."),
  UnsupportedMediaType: errorResponse("The body is declared as something other than JSON (ERROR_REQUEST)."),
  InternalError: errorResponse("ERROR_GENERIC, or ERROR_INTERNAL_API when the core could not be reached."),
  OtherError: errorResponse("Any other failure (404 ERROR_NOT_FOUND, 405, 501), in the same envelope."),
};

type OperationSpec = {
  method: "get" | "post" | "put" | "delete";
  path: string;
  tag: string;
  summary: string;
  request?: string;
  response: string;
  query?: Schema[];
};

const OPERATIONS: readonly OperationSpec[] = [
  { method: "post", path: "/admin/applications", tag: "Applications", summary: "Create application", request: "CreateApplicationRequest", response: "Application" },
  { method: "get", path: "/admin/applications", tag: "Applications", summary: "List applications", response: "ApplicationList" },
  { method: "get", path: "/admin/applications/{id}", tag: "Applications", summary: "Get application detail", response: "Application" },
  { method: "post", path: "/admin/applications/roles", tag: "Applications", summary: "Add roles to an application", request: "AddApplicationRolesRequest", response: "StatusOk" },
  {
    method: "post",
    path: "/admin/applications/{id}/roles/remove",
    tag: "Applications",
    summary: "Remove roles from an application",
    request: "RemoveApplicationRolesRequest",
    response: "StatusOk",
  },
  { method: "get", path: "/admin/applications/{id}/config", tag: "Application configuration", summary: "Get application configuration", response: "ApplicationConfigList" },
  {
    method: "post",
    path: "/admin/applications/{id}/config",
    tag: "Application configuration",
    summary: "Create or update an application configuration",
    request: "CreateApplicationConfigRequest",
    response: "ApplicationConfig",
  },
  {
    method: "delete",
    path: "/admin/applications/{id}/config",
    tag: "Application configuration",
    summary: "Remove an application configuration",
    request: "RemoveApplicationConfigRequest",
    response: "StatusOk",
  },
  { method: "post", path: "/v2/admin/applications/{appId}/callbacks", tag: "Callbacks", summary: "Create callback", request: "CallbackRequest", response: "Callback" },
  { method: "get", path: "/v2/admin/applications/{appId}/callbacks", tag: "Callbacks", summary: "List callbacks", response: "CallbackList" },
  {
    method: "put",
    path: "/v2/admin/applications/{appId}/callbacks/{callbackId}",
    tag: "Callbacks",
    summary: "Update callback",
    request: "CallbackRequest",
    response: "Callback",
  },
  { method: "delete", path: "/v2/admin/applications/{appId}/callbacks/{callbackId}", tag: "Callbacks", summary: "Remove callback", response: "StatusOk" },
  { method: "post", path: "/internal/callback/operation", tag: "Internal", summary: "Operation status changed internally", request: "OperationCallbackRequest", response: "StatusOk" },
  { method: "get", path: "/admin/applications/{id}/push", tag: "Push", summary: "Get push configuration", response: "PushConfig" },
  { method: "post", path: "/admin/applications/{id}/push/apns", tag: "Push", summary: "Set APNs credentials", request: "UpdatePushApnsRequest", response: "PushConfig" },
  { method: "delete", path: "/admin/applications/{id}/push/apns", tag: "Push", summary: "Delete APNs credentials", response: "StatusOk" },
  { method: "post", path: "/admin/applications/{id}/push/fcm", tag: "Push", summary: "Set FCM credentials", request: "UpdatePushFcmRequest", response: "PushConfig" },
  { method: "delete", path: "/admin/applications/{id}/push/fcm", tag: "Push", summary: "Delete FCM credentials", response: "StatusOk" },
  { method: "post", path: "/admin/applications/{id}/push/hms", tag: "Push", summary: "Set HMS credentials", request: "UpdatePushHmsRequest", response: "PushConfig" },
  { method: "delete", path: "/admin/applications/{id}/push/hms", tag: "Push", summary: "Delete HMS credentials", response: "StatusOk" },
  {
    method: "get",
    path: "/admin/telemetry/applications/{id}/users",
    tag: "Telemetry",
    summary: "Count unique active users",
    response: "UniqueActiveUsers",
    query: [
      {
        name: "days",
        in: "query",
        required: false,
        description: "Days from the past until today (1-365, default 30).",
        schema: { type: "integer", minimum: 1, maximum: 365, default: 30 },
      },
    ],
  },
];

function operation(spec: OperationSpec): Schema {
  const pathParameters = [...spec.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: "path",
    required: true,
    schema: { type: "string", minLength: 1 },
  }));
  const parameters = [...pathParameters, ...(spec.query ?? [])];
  return {
    tags: [spec.tag],
    summary: spec.summary,
    operationId: operationId(spec),
    ...(parameters.length > 0 && { parameters }),
    ...(spec.request !== undefined && {
      requestBody: { required: true, content: { "application/json": { schema: ref(spec.request) } } },
    }),
    responses: {
      "200": { description: "Success.", content: { "application/json": { schema: ref(spec.response) } } },
      "400": { $ref: "#/components/responses/BadRequest" },
      "401": { $ref: "#/components/responses/Unauthorized" },
      ...(spec.request !== undefined && {
        "413": { $ref: "#/components/responses/PayloadTooLarge" },
        "415": { $ref: "#/components/responses/UnsupportedMediaType" },
      }),
      "429": { $ref: "#/components/responses/TooManyRequests" },
      "500": { $ref: "#/components/responses/InternalError" },
      default: { $ref: "#/components/responses/OtherError" },
    },
  };
}

function operationId(spec: { method: string; path: string }): string {
  const words = `${spec.method} ${spec.path}`.replace(/[{}]/g, "").split(/[^A-Za-z0-9]+/).filter((word) => word !== "");
  return words.map((word, i) => (i === 0 ? word : word[0].toUpperCase() + word.slice(1))).join("");
}

const PLAIN_TEXT = "text/plain; charset=utf-8";
/** The Prometheus text exposition format, as prom-client's registry declares it. */
const PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

type ProbeSpec = {
  path: string;
  summary: string;
  description: string;
  responses: Record<string, { description: string; mediaType: string; body: Schema }>;
};

/** The paths of core/src/observability/http-endpoints.ts, as the gateway answers them (text, never JSON). */
const OBSERVABILITY: readonly ProbeSpec[] = [
  {
    path: "/metrics",
    summary: "Prometheus metrics of this gateway",
    description:
      "powerauth_rest_requests_total{route,status} and powerauth_rest_request_duration_seconds{route} (route = the API's path template, " +
      "or `other` outside the API; the observability paths are not counted), beside Node's process metrics.",
    responses: {
      "200": { description: "The metrics in the Prometheus text exposition format 0.0.4.", mediaType: PROMETHEUS_TEXT, body: { type: "string" } },
      "500": { description: "The metrics could not be collected.", mediaType: PLAIN_TEXT, body: { const: "metrics unavailable\n" } },
    },
  },
  {
    path: "/health/live",
    summary: "Liveness",
    description: "200 while the process runs; it does not ask the core.",
    responses: { "200": { description: "The process runs.", mediaType: PLAIN_TEXT, body: { const: "live\n" } } },
  },
  {
    path: "/health/ready",
    summary: "Readiness",
    description: "Whether the gateway can do its work now: the core answers its gRPC health check (service \"\") SERVING within 1 s.",
    responses: {
      "200": { description: "The core answered SERVING.", mediaType: PLAIN_TEXT, body: { const: "ready\n" } },
      "503": {
        description: "The core answered otherwise, could not be reached or did not answer within 1 s, or this gateway is stopping.",
        mediaType: PLAIN_TEXT,
        body: { const: "not ready\n" },
      },
    },
  },
];

/** GET with the body, HEAD with the same status and headers and no body; other methods answer 405 (Allow: GET, HEAD). */
function probeOperations(spec: ProbeSpec): Record<string, Schema> {
  const headers = { "Cache-Control": { description: "Never cached.", schema: { const: "no-store" } } };
  const described = (method: "get" | "head", withBody: boolean): Schema => ({
    tags: ["Observability"],
    summary: spec.summary,
    description: `${spec.description} Needs no credentials. Any method but GET and HEAD answers 405 with Allow: GET, HEAD.`,
    operationId: operationId({ method, path: spec.path }),
    security: [],
    responses: Object.fromEntries(
      Object.entries(spec.responses).map(([status, { description, mediaType, body }]) => [
        status,
        { description, headers, ...(withBody && { content: { [mediaType]: { schema: body } } }) },
      ]),
    ),
  });
  return { get: described("get", true), head: described("head", false) };
}

/** The document: built once per gateway from the tables above (plain data, no module state). */
export function createOpenApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, Schema>> = {};
  for (const spec of OPERATIONS) (paths[spec.path] ??= {})[spec.method] = operation(spec);
  for (const spec of OBSERVABILITY) paths[spec.path] = probeOperations(spec);
  return {
    openapi: "3.1.0",
    info: {
      title: "PowerAuth Cloud Admin API",
      version: "1.0",
      description:
        "Administration of applications, their configuration, callbacks, push credentials and telemetry. Every call needs HTTP Basic " +
        "credentials of an admin user; failures use one envelope: {\"status\":\"ERROR\",\"responseObject\":{\"code\",\"message\",\"violations\"?}}. " +
        "The observability paths (/metrics, /health/live, /health/ready) need no credentials and answer plain text.",
    },
    security: [{ basicAuth: [] }],
    tags: ["Applications", "Application configuration", "Callbacks", "Internal", "Push", "Telemetry", "Observability"].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { basicAuth: { type: "http", scheme: "basic" } },
      schemas,
      responses,
    },
  };
}
