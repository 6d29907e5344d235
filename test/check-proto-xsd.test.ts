import { readFileSync } from "node:fs";
import { clearField, clone, createFileRegistry, isFieldSet } from "@bufbuild/protobuf";
import type { DescFile } from "@bufbuild/protobuf";
import {
  FieldDescriptorProto_Label,
  FieldDescriptorProtoSchema,
  FileDescriptorProtoSchema,
  file_google_protobuf_timestamp,
} from "@bufbuild/protobuf/wkt";
import type { FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import { file_powerauth_v2_powerauth } from "@powerauth/proto/powerauth/v2/powerauth_pb.js";
import { file_powerauth_v3_powerauth } from "@powerauth/proto/powerauth/v3/powerauth_pb.js";
import { describe, expect, it } from "vitest";
import { parseSchema } from "../gateway-soap/src/xsd-model.ts";
import { checkErrorDetail, checkProtoAgainstXsd } from "../scripts/check-proto-xsd.ts";

const XSD_DIR = new URL("../gateway-soap/xsd/reference/", import.meta.url);
const readXsd = (name: string) => readFileSync(new URL(name, XSD_DIR), "utf8");
const v3 = parseSchema(readXsd("PowerAuth-3.0.xsd"));
const v31 = parseSchema(readXsd("PowerAuth-3.1-additions-0.23.3.xsd"));
const v2 = parseSchema(readXsd("PowerAuth-2.0.xsd"));

/** The committed proto file with one edit applied to a copy of its descriptor, as if someone had changed the .proto. */
function edited(file: DescFile, edit: (proto: FileDescriptorProto) => void): DescFile {
  const proto = clone(FileDescriptorProtoSchema, file.proto);
  edit(proto);
  const registry = createFileRegistry(proto, (name) => (name === file_google_protobuf_timestamp.name + ".proto" ? file_google_protobuf_timestamp : undefined));
  const out = registry.getFile(proto.name);
  if (!out) throw new Error(`no ${proto.name} in the registry`);
  return out;
}

function field(proto: FileDescriptorProto, message: string, name: string) {
  const f = proto.messageType.find((m) => m.name === message)?.field.find((x) => x.name === name);
  if (!f) throw new Error(`no ${message}.${name}`);
  return f;
}

describe("checkProtoAgainstXsd()", () => {
  it("finds no difference between the committed contract and the original XSDs", () => {
    const r3 = checkProtoAgainstXsd(file_powerauth_v3_powerauth, v3, v31);
    expect(r3.errors).toEqual([]);
    expect(r3).toMatchObject({ operations: 45, messages: 103, fields: 343 });
    expect(checkErrorDetail(file_powerauth_v3_powerauth)).toEqual([]);
    expect(checkProtoAgainstXsd(file_powerauth_v2_powerauth, v2).errors).toEqual([]);
  });

  it("reports a renamed field", () => {
    const file = edited(file_powerauth_v3_powerauth, (p) => {
      const f = field(p, "CreateApplicationRequest", "application_name");
      f.name = "app_name";
      f.jsonName = "appName";
    });
    expect(checkProtoAgainstXsd(file, v3, v31).errors).toEqual([
      'powerauth/v3/powerauth.proto: powerauth.v3.CreateApplicationRequest.applicationName: no field with jsonName "applicationName" (XSD CreateApplicationRequest/applicationName)',
      "powerauth/v3/powerauth.proto: powerauth.v3.CreateApplicationRequest.app_name: field has no XSD element (XSD CreateApplicationRequest)",
    ]);
  });

  it("reports a repeated field where the XSD allows one element", () => {
    const file = edited(file_powerauth_v2_powerauth, (p) => {
      field(p, "PrepareActivationRequest", "activation_id_short").label = FieldDescriptorProto_Label.REPEATED;
    });
    expect(checkProtoAgainstXsd(file, v2).errors).toEqual([
      "powerauth/v2/powerauth.proto: powerauth.v2.PrepareActivationRequest.activationIdShort: XSD maxOccurs=1, got list",
    ]);
  });

  it("reports a 3.1 addition that is not proto3 optional", () => {
    const file = edited(file_powerauth_v3_powerauth, (p) => {
      const msg = p.messageType.find((m) => m.name === "PrepareActivationRequest");
      const nonce = field(p, "PrepareActivationRequest", "nonce");
      const oneofIndex = FieldDescriptorProtoSchema.field.oneofIndex;
      // proto3 optional is a synthetic oneof: dropping it (the last one, so no other index shifts) makes a plain field
      if (!msg || !nonce.proto3Optional || !isFieldSet(nonce, oneofIndex) || nonce.oneofIndex !== msg.oneofDecl.length - 1) {
        throw new Error("nonce is expected to be the last proto3 optional field");
      }
      msg.oneofDecl.pop();
      nonce.proto3Optional = false;
      clearField(nonce, oneofIndex);
    });
    expect(checkProtoAgainstXsd(file, v3, v31).errors).toEqual([
      "powerauth/v3/powerauth.proto: powerauth.v3.PrepareActivationRequest.nonce: XSD minOccurs=0 / 3.1 addition, expected proto3 optional",
    ]);
  });

  it("reports an XSD type the proto field does not carry", () => {
    const changed = parseSchema(readXsd("PowerAuth-2.0.xsd").replace('name="activationIdShort" type="xs:string"', 'name="activationIdShort" type="xs:long"'));
    expect(checkProtoAgainstXsd(file_powerauth_v2_powerauth, changed).errors).toEqual([
      "powerauth/v2/powerauth.proto: powerauth.v2.PrepareActivationRequest.activationIdShort: xs:long must be int64, got string",
    ]);
  });
});
