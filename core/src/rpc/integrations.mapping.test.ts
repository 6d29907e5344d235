import { create, fromBinary, isFieldSet, toBinary } from "@bufbuild/protobuf";
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import {
  CreateIntegrationRequestSchema,
  CreateIntegrationResponseSchema,
  GetIntegrationListResponseSchema,
  GetIntegrationListResponse_ItemsSchema,
  RemoveIntegrationRequestSchema,
  RemoveIntegrationResponseSchema,
} from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { describe, expect, it } from "vitest";
import { ServiceError } from "../domain/errors.ts";
import {
  fromProtoCreateIntegration,
  fromProtoRemoveIntegration,
  toProtoCreatedIntegration,
  toProtoIntegrationList,
  toProtoRemoveIntegration,
} from "./integrations.mapping.ts";

const INTEGRATION_ID = "8f0e5f3a-2b55-4d5c-9a70-1c2d3e4f5a6b";
const CLIENT_TOKEN = "1b9a2d3c-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const CLIENT_SECRET = "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b";

/** The response as a client decodes it from the wire. */
const overTheWire = <Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>) => fromBinary(schema, toBinary(schema, message));

/** ERR0024 with the reason that names the field. */
const invalid = (reason: string) => new ServiceError("ERR0024", { cause: new Error(reason) });

describe("CreateIntegration mapping", () => {
  it("maps the optional name, empty meaning none", () => {
    expect(fromProtoCreateIntegration(create(CreateIntegrationRequestSchema, { name: "intermediate-server" }))).toEqual({ name: "intermediate-server" });
    expect(fromProtoCreateIntegration(create(CreateIntegrationRequestSchema, {}))).toStrictEqual({ name: undefined });
    expect(fromProtoCreateIntegration(create(CreateIntegrationRequestSchema, { name: "" }))).toStrictEqual({ name: undefined });
  });

  it("refuses a name over 255 characters", () => {
    expect(fromProtoCreateIntegration(create(CreateIntegrationRequestSchema, { name: "n".repeat(255) }))).toEqual({ name: "n".repeat(255) });
    expect(() => fromProtoCreateIntegration(create(CreateIntegrationRequestSchema, { name: "n".repeat(256) }))).toThrow(
      invalid("name is longer than 255 characters"),
    );
  });

  it("answers the new credentials, the secret included this once", () => {
    const response = overTheWire(
      CreateIntegrationResponseSchema,
      toProtoCreatedIntegration({ id: INTEGRATION_ID, name: "intermediate-server", clientToken: CLIENT_TOKEN, clientSecret: CLIENT_SECRET }),
    );
    expect(response).toEqual({
      $typeName: "powerauth.v3.CreateIntegrationResponse",
      id: INTEGRATION_ID,
      name: "intermediate-server",
      clientToken: CLIENT_TOKEN,
      clientSecret: CLIENT_SECRET,
    });
  });

  it("leaves the name unset for an unnamed integration", () => {
    const response = overTheWire(
      CreateIntegrationResponseSchema,
      toProtoCreatedIntegration({ id: INTEGRATION_ID, clientToken: CLIENT_TOKEN, clientSecret: CLIENT_SECRET }),
    );
    expect(response).toEqual({ $typeName: "powerauth.v3.CreateIntegrationResponse", id: INTEGRATION_ID, clientToken: CLIENT_TOKEN, clientSecret: CLIENT_SECRET });
    expect(isFieldSet(response, CreateIntegrationResponseSchema.field.name)).toBe(false);
  });
});

describe("GetIntegrationList mapping", () => {
  it("answers the restricted-access flag and each integration, never a secret", () => {
    const response = overTheWire(
      GetIntegrationListResponseSchema,
      toProtoIntegrationList(
        [
          { id: INTEGRATION_ID, name: "intermediate-server", clientToken: CLIENT_TOKEN },
          { id: "2a2a2a2a-0000-4000-8000-000000000002", clientToken: "token-2" },
        ],
        true,
      ),
    );
    const item = { $typeName: "powerauth.v3.GetIntegrationListResponse.Items", clientSecret: "" };
    expect(response).toEqual({
      $typeName: "powerauth.v3.GetIntegrationListResponse",
      restrictedAccess: true,
      items: [
        { ...item, id: INTEGRATION_ID, name: "intermediate-server", clientToken: CLIENT_TOKEN },
        { ...item, id: "2a2a2a2a-0000-4000-8000-000000000002", clientToken: "token-2" },
      ],
    });
    expect(isFieldSet(response.items[1]!, GetIntegrationListResponse_ItemsSchema.field.name)).toBe(false);
    expect(overTheWire(GetIntegrationListResponseSchema, toProtoIntegrationList([], false))).toEqual({
      $typeName: "powerauth.v3.GetIntegrationListResponse",
      restrictedAccess: false,
      items: [],
    });
  });
});

describe("RemoveIntegration mapping", () => {
  it("maps the id and answers whether it was removed", () => {
    expect(fromProtoRemoveIntegration(create(RemoveIntegrationRequestSchema, { id: INTEGRATION_ID }))).toBe(INTEGRATION_ID);
    const removed = overTheWire(RemoveIntegrationResponseSchema, toProtoRemoveIntegration(INTEGRATION_ID, true));
    expect(removed).toEqual({ $typeName: "powerauth.v3.RemoveIntegrationResponse", id: INTEGRATION_ID, removed: true });
    const notFound = overTheWire(RemoveIntegrationResponseSchema, toProtoRemoveIntegration(INTEGRATION_ID, false));
    expect(notFound).toEqual({ $typeName: "powerauth.v3.RemoveIntegrationResponse", id: INTEGRATION_ID, removed: false });
    expect(isFieldSet(notFound, RemoveIntegrationResponseSchema.field.removed)).toBe(true);
  });

  it("refuses a missing or over-long id", () => {
    expect(() => fromProtoRemoveIntegration(create(RemoveIntegrationRequestSchema, {}))).toThrow(invalid("id is required"));
    expect(() => fromProtoRemoveIntegration(create(RemoveIntegrationRequestSchema, { id: `${INTEGRATION_ID}-x` }))).toThrow(
      invalid("id is longer than 37 characters"),
    );
  });
});
