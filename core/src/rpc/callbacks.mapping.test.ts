import { create } from "@bufbuild/protobuf";
import {
  CreateCallbackUrlRequestSchema,
  GetCallbackUrlListRequestSchema,
  RemoveCallbackUrlRequestSchema,
} from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { describe, expect, it } from "vitest";
import { ServiceError } from "../domain/errors.ts";
import {
  fromProtoCreateCallbackUrl,
  fromProtoGetCallbackUrlList,
  fromProtoRemoveCallbackUrl,
  toProtoCallbackUrlList,
  toProtoCreatedCallbackUrl,
  toProtoRemoveCallbackUrl,
} from "./callbacks.mapping.ts";

const ID = "0b8e4f0e-6a52-4f3b-8d33-2b1f5a0c9e77";

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ServiceError) return error.code;
    throw error;
  }
  return undefined;
}

describe("fromProtoCreateCallbackUrl", () => {
  it("reads the three fields and leaves the URL's format to the domain (ERR0014)", () => {
    expect(fromProtoCreateCallbackUrl(create(CreateCallbackUrlRequestSchema, { applicationId: 7n, name: "n", callbackUrl: "not a url" }))).toEqual({
      applicationId: 7,
      name: "n",
      callbackUrl: "not a url",
    });
  });

  it.each([
    { applicationId: 0n, name: "n", callbackUrl: "https://x.example/" },
    { applicationId: -1n, name: "n", callbackUrl: "https://x.example/" },
    { applicationId: 7n, name: " ", callbackUrl: "https://x.example/" },
    { applicationId: 7n, name: "n", callbackUrl: "" },
    { applicationId: 7n, name: "n", callbackUrl: `https://x.example/${"a".repeat(70_000)}` },
  ])("refuses a malformed request with ERR0024 (%#)", (fields) => {
    expect(codeOf(() => fromProtoCreateCallbackUrl(create(CreateCallbackUrlRequestSchema, fields)))).toBe("ERR0024");
  });
});

describe("list and remove", () => {
  it("maps ids both ways", () => {
    expect(fromProtoGetCallbackUrlList(create(GetCallbackUrlListRequestSchema, { applicationId: 3n }))).toBe(3);
    expect(fromProtoRemoveCallbackUrl(create(RemoveCallbackUrlRequestSchema, { id: ID }))).toBe(ID);
    expect(codeOf(() => fromProtoRemoveCallbackUrl(create(RemoveCallbackUrlRequestSchema, { id: "" })))).toBe("ERR0024");
    const view = { id: ID, applicationId: 3, name: "n", callbackUrl: "https://x.example/" };
    expect(toProtoCreatedCallbackUrl(view)).toMatchObject({ id: ID, applicationId: 3n, name: "n", callbackUrl: "https://x.example/" });
    expect(toProtoCallbackUrlList([view]).callbackUrlList).toEqual([expect.objectContaining({ id: ID, applicationId: 3n })]);
    expect(toProtoRemoveCallbackUrl(ID, false)).toMatchObject({ id: ID, removed: false });
  });
});
