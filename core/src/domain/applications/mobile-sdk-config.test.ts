import { describe, expect, it } from "vitest";
import { decodeMobileSdkConfig, encodeCount, encodeMobileSdkConfig } from "./mobile-sdk-config.ts";

describe("encodeMobileSdkConfig", () => {
  it("produces the reference serializer's test vector byte for byte", () => {
    const encoded = encodeMobileSdkConfig({
      applicationKey: "w4+hAeogFLTZjcSjPwbG2g==",
      applicationSecret: "Szls/7JWbKN+FAOijHcsPA==",
      masterServerPublicKey: "BEEOwljSgItBIAnzr3f7K36s+KKoUzC8LE+K+7Dy0X6iAkcPXAjLP1KKPxdqyM/iihHAcW5x/WzJPCbtytcJo2w=",
    });
    expect(encoded).toBe(
      "ARDDj6EB6iAUtNmNxKM/BsbaEEs5bP+yVmyjfhQDoox3LDwBAUEEQQ7CWNKAi0EgCfOvd/srfqz4oqhTMLwsT4r7sPLRfqICRw9cCMs/Uoo/F2rIz+KKEcBxbnH9bMk8Ju3K1wmjbA==",
    );
  });

  it("round-trips through decodeMobileSdkConfig", () => {
    const config = {
      applicationKey: Buffer.alloc(16, 7).toString("base64"),
      applicationSecret: Buffer.alloc(16, 9).toString("base64"),
      masterServerPublicKey: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]).toString("base64"),
    };
    expect(decodeMobileSdkConfig(encodeMobileSdkConfig(config))).toEqual(config);
  });

  it("refuses an application key that is not 16 bytes", () => {
    expect(() =>
      encodeMobileSdkConfig({ applicationKey: "AAAA", applicationSecret: "AAAA", masterServerPublicKey: "AAAA" }),
    ).toThrow(/application key/);
  });
});

describe("encodeCount", () => {
  it("matches the SDK-generated count vector", () => {
    const values = [0, 1, 0x7f, 0x80, 0xff, 0x100, 0x101, 0x3fff, 0x4000, 0xffff, 0x10000, 0xffffff, 0x1000000, 0x1020304, 0x10203040, 0x3fffffff];
    const encoded = Buffer.concat(values.map(encodeCount)).toString("base64");
    expect(encoded).toBe("AAF/gICA/4EAgQG//8AAQADAAP//wAEAAMD////BAAAAwQIDBNAgMED/////");
  });
});
