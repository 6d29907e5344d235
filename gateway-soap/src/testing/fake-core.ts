// A FAKE core for gateway tests: a real Connect gRPC server (h2c, port 0) that implements a handful of v3/v2
// RPCs with canned answers and records what the gateway sent. Not the real core; no business logic.

import { createServer } from "node:http2";
import type { AddressInfo } from "node:net";
import { create } from "@bufbuild/protobuf";
import type { Message } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import type { ConnectRouter, HandlerContext } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import * as v2 from "@powerauth/proto/powerauth/v2/powerauth_pb.js";
import * as v3 from "@powerauth/proto/powerauth/v3/powerauth_pb.js";

export interface RecordedCall {
  readonly method: string;
  readonly request: Message;
  readonly authorization: string | null;
}

export interface FakeCore {
  readonly url: string;
  readonly calls: RecordedCall[];
  close(): Promise<void>;
}

export const FAKE_ACTIVATION_ID = "e43a5dec-afea-4a10-a80b-b2183399f16b";
export const MISSING_ACTIVATION_ID = "00000000-0000-0000-0000-000000000000";

/** ErrorDetail error as the core raises it. */
export function coreError(code: Code, errorCode: string, message: string, currentRecoveryPukIndex?: bigint): ConnectError {
  return new ConnectError(message, code, undefined, [
    {
      desc: v3.ErrorDetailSchema,
      value: { code: errorCode, message, localizedMessage: message, ...(currentRecoveryPukIndex !== undefined ? { currentRecoveryPukIndex } : {}) },
    },
  ]);
}

export async function startFakeCore(): Promise<FakeCore> {
  const calls: RecordedCall[] = [];
  const record = (method: string, request: Message, ctx: HandlerContext) =>
    calls.push({ method, request, authorization: ctx.requestHeader.get("authorization") });

  const routes = (router: ConnectRouter) => {
    router.service(v3.PowerAuthService, {
      getSystemStatus(req, ctx) {
        record("GetSystemStatus", req, ctx);
        return create(v3.GetSystemStatusResponseSchema, {
          status: "OK",
          applicationName: "powerauth",
          applicationDisplayName: "PowerAuth Server",
          applicationEnvironment: "",
          version: "0.1.0",
          buildTime: timestampFromDate(new Date("2020-05-01T10:34:56.789Z")),
          timestamp: timestampFromDate(new Date("2024-01-02T03:04:05.006Z")),
        });
      },
      getActivationStatus(req, ctx) {
        record("GetActivationStatus", req, ctx);
        if (req.activationId === MISSING_ACTIVATION_ID) {
          throw coreError(Code.NotFound, "ERR0009", "Activation with given activation ID was not found.");
        }
        return create(v3.GetActivationStatusResponseSchema, {
          activationId: req.activationId,
          activationStatus: v3.ActivationStatus.OTP_USED,
          activationName: "My iPhone",
          userId: "user & <friends>",
          applicationId: 9_007_199_254_740_993n,
          timestampCreated: timestampFromDate(new Date("2020-05-01T10:34:56.789Z")),
          timestampLastUsed: timestampFromDate(new Date("2020-05-02T10:34:56Z")),
          encryptedStatusBlob: "c3RhdHVz",
          // The core always fills the 3.1 nonce; the gateway must not show it to a 3.0 client.
          encryptedStatusBlobNonce: "bm9uY2U=",
          version: 3n,
        });
      },
      removeActivation(req, ctx) {
        record("RemoveActivation", req, ctx);
        throw coreError(Code.NotFound, "ERR0009", "Activation with given activation ID was not found.");
      },
      recoveryCodeActivation(req, ctx) {
        record("RecoveryCodeActivation", req, ctx);
        throw coreError(Code.InvalidArgument, "ERR0028", "Invalid recovery code.", 3n);
      },
      getApplicationList(req, ctx) {
        record("GetApplicationList", req, ctx);
        if (ctx.requestHeader.get("authorization") !== `Basic ${Buffer.from("client-token:client-secret").toString("base64")}`) {
          throw new ConnectError("integration credentials required", Code.Unauthenticated);
        }
        return create(v3.GetApplicationListResponseSchema, {
          applications: [
            { id: 1n, applicationName: "app-1" },
            { id: 2n, applicationName: "app-2" },
          ],
        });
      },
      verifySignature(req, ctx) {
        record("VerifySignature", req, ctx);
        // A broken answer: activationStatus is required by the XSD but left UNSPECIFIED.
        return create(v3.VerifySignatureResponseSchema, { signatureValid: false });
      },
      getErrorCodeList(req, ctx) {
        record("GetErrorCodeList", req, ctx);
        throw new Error("database exploded at /var/lib/secret");
      },
    });
    router.service(v2.PowerAuthService, {
      getPersonalizedEncryptionKey(req, ctx) {
        record("v2.GetPersonalizedEncryptionKey", req, ctx);
        return create(v2.GetPersonalizedEncryptionKeyResponseSchema, {
          activationId: req.activationId,
          encryptionKey: "a2V5",
          encryptionKeyIndex: req.sessionIndex ?? "MA==",
        });
      },
    });
  };

  const server = createServer(connectNodeAdapter({ routes }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}
