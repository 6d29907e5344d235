import { describe, expect, it } from "vitest";
import { Code, ConnectError } from "@connectrpc/connect";
import { renderFault, SoapEnvelopeError } from "./envelope.ts";
import { faultFor, RequestTooLargeError, ResponseMappingError, UnknownOperationError } from "./faults.ts";
import { coreError } from "./testing/fake-core.ts";
import { childElements, directText, parseXml, XmlSyntaxError } from "./xml.ts";
import { XsdInputError } from "./xsd-codec.ts";

const ENV = "http://schemas.xmlsoap.org/soap/envelope/";

describe("faultFor()", () => {
  it("turns a core error with ErrorDetail into the original Server fault with detail", () => {
    const f = faultFor(coreError(Code.NotFound, "ERR0009", "Activation with given activation ID was not found."));
    expect(f).toEqual({
      faultcode: "Server",
      faultstring: "Activation with given activation ID was not found.",
      detail: { errorCode: "ERR0009", localizedMessage: "Activation with given activation ID was not found." },
      httpStatus: 500,
    });
  });

  it("carries currentRecoveryPukIndex for ERR0028", () => {
    const f = faultFor(coreError(Code.InvalidArgument, "ERR0028", "Invalid recovery code.", 3n));
    expect(f.detail).toEqual({ errorCode: "ERR0028", localizedMessage: "Invalid recovery code.", currentRecoveryPukIndex: 3n });
  });

  it.each<[string, unknown, string, string | RegExp]>([
    ["Unauthenticated", new ConnectError("bad password for user x", Code.Unauthenticated), "Client", /^Authentication failed/],
    ["Unauthenticated with ErrorDetail", coreError(Code.Unauthenticated, "ERR0000", "x"), "Client", /^Authentication failed/],
    ["PermissionDenied", new ConnectError("no", Code.PermissionDenied), "Client", /^Access denied/],
    ["Unimplemented", new ConnectError("not here", Code.Unimplemented), "Server", "Method CommitUpgrade is not implemented yet."],
    ["Unavailable (core unreachable)", new ConnectError("connect ECONNREFUSED 127.0.0.1:1", Code.Unavailable), "Server", /unavailable/],
    ["DeadlineExceeded", new ConnectError("late", Code.DeadlineExceeded), "Server", /did not answer in time/],
    ["Internal, hiding the core's text", new ConnectError("NullPointerException at Foo.java:12", Code.Internal), "Server", "Unknown error occurred."],
    ["Unknown, hiding the core's text", new ConnectError("stack", Code.Unknown), "Server", "Unknown error occurred."],
    ["InvalidArgument without detail", new ConnectError("applicationId must be positive", Code.InvalidArgument), "Client", "applicationId must be positive"],
    ["a malformed request", new XmlSyntaxError("bad"), "Client", "Malformed request: bad"],
    ["a schema violation", new XsdInputError("X/y: missing"), "Client", "Invalid request: X/y: missing"],
    ["an unknown operation", new UnknownOperationError("No operation for element {urn:x}Foo"), "Client", /No operation/],
    ["a SOAP 1.2 envelope", new SoapEnvelopeError("version-mismatch", "SOAP 1.2"), "VersionMismatch", "SOAP 1.2"],
    ["a header not understood", new SoapEnvelopeError("must-understand", "h"), "MustUnderstand", "h"],
    ["PasswordDigest", new SoapEnvelopeError("unsupported-token", "only PasswordText is supported"), "Client", /PasswordText/],
    ["a response the XSD does not allow", new ResponseMappingError("X/a is missing"), "Server", /Unable to build the response/],
    ["anything else", new TypeError("x is undefined"), "Server", "Unknown error occurred."],
  ])("maps %s", (_label, err, faultcode, faultstring) => {
    const f = faultFor(err, { operation: "CommitUpgrade" });
    expect(f.faultcode).toBe(faultcode);
    expect(f.faultstring).toMatch(faultstring);
    expect(f.detail).toBeUndefined();
    expect(f.httpStatus).toBe(500);
  });

  it("answers an oversized request with 413", () => {
    expect(faultFor(new RequestTooLargeError("Request body exceeds 1048576 bytes."))).toMatchObject({ faultcode: "Client", httpStatus: 413 });
  });

  it("replaces characters XML cannot carry in core messages", () => {
    expect(faultFor(coreError(Code.NotFound, "ERR0009", "bad\u0000char")).faultstring).toBe("bad\uFFFDchar");
  });
});

describe("renderFault()", () => {
  it("writes the fault as §1.5 shows it: prefixed faultcode, xml:lang, unqualified detail children", () => {
    const xml = renderFault(faultFor(coreError(Code.InvalidArgument, "ERR0028", "Invalid recovery code.", 2n)));
    expect(xml).toContain(
      `<SOAP-ENV:Fault><faultcode>SOAP-ENV:Server</faultcode><faultstring xml:lang="en">Invalid recovery code.</faultstring>` +
        `<detail><errorCode>ERR0028</errorCode><localizedMessage>Invalid recovery code.</localizedMessage>` +
        `<currentRecoveryPukIndex>2</currentRecoveryPukIndex></detail></SOAP-ENV:Fault>`,
    );
    const envelope = parseXml(xml);
    const fault = childElements(childElements(envelope)[1])[0];
    expect([fault.ns, fault.local]).toEqual([ENV, "Fault"]);
    const [faultcode, faultstring, detail] = childElements(fault);
    expect(faultcode.ns).toBe("");
    expect(faultcode.scope.get("SOAP-ENV")).toBe(ENV);
    expect(faultstring.attributes).toEqual([{ ns: "http://www.w3.org/XML/1998/namespace", local: "lang", value: "en" }]);
    expect(childElements(detail).map((e) => [e.ns, e.local, directText(e)])).toEqual([
      ["", "errorCode", "ERR0028"],
      ["", "localizedMessage", "Invalid recovery code."],
      ["", "currentRecoveryPukIndex", "2"],
    ]);
  });

  it("escapes the fault string", () => {
    expect(renderFault(faultFor(new XsdInputError("<&>")))).toContain("Invalid request: &lt;&amp;&gt;");
  });
});
