// The SOAP 1.1 envelope: reading a request (Header with WS-Security, Body with exactly one payload element) and
// writing a response or a fault. Nothing here knows PowerAuth operations.

import { attribute, childElements, directText, escapeText, isWhitespace, parseXml } from "./xml.ts";
import type { XmlElement } from "./xml.ts";
import type { SoapFault } from "./faults.ts";

export const SOAP11_ENV_NS = "http://schemas.xmlsoap.org/soap/envelope/";
const SOAP12_ENV_NS = "http://www.w3.org/2003/05/soap-envelope";
const SOAP11_ACTOR_NEXT = "http://schemas.xmlsoap.org/soap/actor/next";
export const WSSE_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
const TOKEN_PROFILE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0";
export const PASSWORD_TEXT = `${TOKEN_PROFILE}#PasswordText`;
export const PASSWORD_DIGEST = `${TOKEN_PROFILE}#PasswordDigest`;

export interface UsernameToken {
  readonly username: string;
  readonly password: string;
}

export interface SoapRequest {
  /** The single child element of soap:Body. */
  readonly payload: XmlElement;
  /** WS-Security UsernameToken with a PasswordText password, when the envelope carries one. */
  readonly credentials: UsernameToken | undefined;
}

export type EnvelopeErrorKind = "client" | "version-mismatch" | "must-understand" | "unsupported-token";

/** The envelope itself is not acceptable; faults.ts decides which SOAP fault each kind becomes. */
export class SoapEnvelopeError extends Error {
  override readonly name = "SoapEnvelopeError";
  readonly kind: EnvelopeErrorKind;

  constructor(kind: EnvelopeErrorKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

/**
 * Parses a SOAP 1.1 request envelope. Header entries are checked for mustUnderstand (only wsse:Security is
 * understood); the Body must hold exactly one element.
 */
export function readEnvelope(xmlText: string): SoapRequest {
  const envelope = parseXml(xmlText);
  if (envelope.local === "Envelope" && envelope.ns === SOAP12_ENV_NS) {
    throw new SoapEnvelopeError("version-mismatch", "SOAP 1.2 is not supported; send a SOAP 1.1 envelope");
  }
  if (envelope.ns !== SOAP11_ENV_NS || envelope.local !== "Envelope") {
    throw new SoapEnvelopeError(
      envelope.local === "Envelope" ? "version-mismatch" : "client",
      `the document element must be {${SOAP11_ENV_NS}}Envelope`,
    );
  }
  if (!isWhitespace(directText(envelope))) throw new SoapEnvelopeError("client", "text is not allowed inside soap:Envelope");
  const parts = childElements(envelope);
  let i = 0;
  let header: XmlElement | undefined;
  if (parts[i] && parts[i].ns === SOAP11_ENV_NS && parts[i].local === "Header") header = parts[i++];
  const body = parts[i++];
  if (!body || body.ns !== SOAP11_ENV_NS || body.local !== "Body") {
    throw new SoapEnvelopeError("client", "soap:Envelope must contain an optional soap:Header followed by soap:Body");
  }
  for (const extra of parts.slice(i)) {
    // SOAP 1.1 §4 allows namespace-qualified elements after the Body; they carry nothing for us.
    if (extra.ns === "" || extra.ns === SOAP11_ENV_NS) {
      throw new SoapEnvelopeError("client", `unexpected element ${extra.local} after soap:Body`);
    }
  }
  const credentials = header ? readHeader(header) : undefined;
  if (!isWhitespace(directText(body))) throw new SoapEnvelopeError("client", "text is not allowed inside soap:Body");
  const payload = childElements(body);
  if (payload.length === 0) throw new SoapEnvelopeError("client", "soap:Body is empty; it must contain one request element");
  if (payload.length > 1) throw new SoapEnvelopeError("client", "soap:Body must contain exactly one request element");
  return { payload: payload[0], credentials };
}

function readHeader(header: XmlElement): UsernameToken | undefined {
  let credentials: UsernameToken | undefined;
  let securitySeen = false;
  for (const entry of childElements(header)) {
    if (entry.ns === "") throw new SoapEnvelopeError("client", `header entry ${entry.local} must be namespace-qualified`);
    const actor = attribute(entry, SOAP11_ENV_NS, "actor");
    if (actor !== undefined && actor !== SOAP11_ACTOR_NEXT) continue;
    if (entry.ns === WSSE_NS && entry.local === "Security") {
      if (securitySeen) throw new SoapEnvelopeError("client", "more than one wsse:Security header is targeted at this service");
      securitySeen = true;
      credentials = readSecurity(entry);
      continue;
    }
    const mustUnderstand = attribute(entry, SOAP11_ENV_NS, "mustUnderstand");
    if (mustUnderstand !== undefined && mustUnderstand !== "0" && mustUnderstand !== "1") {
      throw new SoapEnvelopeError("client", `soap:mustUnderstand must be "0" or "1", not "${mustUnderstand}"`);
    }
    if (mustUnderstand === "1") {
      throw new SoapEnvelopeError("must-understand", `header {${entry.ns}}${entry.local} is not understood by this service`);
    }
  }
  return credentials;
}

function readSecurity(security: XmlElement): UsernameToken | undefined {
  // Other children (wsu:Timestamp, …) are not validated: access control is the UsernameToken's alone.
  const tokens = childElements(security).filter((c) => c.ns === WSSE_NS && c.local === "UsernameToken");
  if (tokens.length === 0) return undefined;
  if (tokens.length > 1) throw new SoapEnvelopeError("client", "wsse:Security must contain at most one wsse:UsernameToken");
  const token = tokens[0];
  const usernames = childElements(token).filter((c) => c.ns === WSSE_NS && c.local === "Username");
  const passwords = childElements(token).filter((c) => c.ns === WSSE_NS && c.local === "Password");
  if (usernames.length !== 1) throw new SoapEnvelopeError("client", "wsse:UsernameToken must contain exactly one wsse:Username");
  if (passwords.length > 1) throw new SoapEnvelopeError("client", "wsse:UsernameToken must contain at most one wsse:Password");
  const username = directText(usernames[0]).trim();
  if (username === "") throw new SoapEnvelopeError("client", "wsse:Username is empty");
  if (username.includes(":")) throw new SoapEnvelopeError("client", "wsse:Username must not contain ':'");
  const password = passwords[0];
  if (!password) throw new SoapEnvelopeError("client", "wsse:UsernameToken without a wsse:Password is not supported");
  checkCredential(username, "wsse:Username");
  const type = attribute(password, "", "Type");
  if (type !== undefined && type !== PASSWORD_TEXT) {
    throw new SoapEnvelopeError(
      "unsupported-token",
      `${type === PASSWORD_DIGEST ? "PasswordDigest" : "this password type"} is not supported: only PasswordText is supported`,
    );
  }
  const passwordText = directText(password);
  checkCredential(passwordText, "wsse:Password");
  return { username, password: passwordText };
}

/** The core refuses longer credentials (and control characters) in HTTP Basic; no stored one can match them. */
const MAX_CREDENTIAL_LENGTH = 1024;

/** Bad credentials are the caller's fault: a Client fault here, rather than an over-long header to the core. */
function checkCredential(value: string, name: string): void {
  if (value.length > MAX_CREDENTIAL_LENGTH) {
    throw new SoapEnvelopeError("client", `${name} is longer than ${MAX_CREDENTIAL_LENGTH} characters`);
  }
  // XML 1.0 already refuses NUL and most C0 characters; tab, LF and CR are XML characters but no credential's.
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new SoapEnvelopeError("client", `${name} must not contain control characters`);
}

const ENVELOPE_OPEN = `<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="${SOAP11_ENV_NS}"><SOAP-ENV:Header/><SOAP-ENV:Body>`;
const ENVELOPE_CLOSE = "</SOAP-ENV:Body></SOAP-ENV:Envelope>";

/** Wraps a serialized payload element into a response envelope. */
export function renderResponse(payloadXml: string): string {
  return ENVELOPE_OPEN + payloadXml + ENVELOPE_CLOSE;
}

/**
 * Writes a SOAP 1.1 fault. The detail children are unqualified, as the original server wrote them and as the
 * Spring client reads them (by local name).
 */
export function renderFault(fault: SoapFault): string {
  let detail = "";
  if (fault.detail) {
    const d = fault.detail;
    detail =
      `<detail><errorCode>${escapeText(d.errorCode)}</errorCode>` +
      `<localizedMessage>${escapeText(d.localizedMessage)}</localizedMessage>` +
      (d.currentRecoveryPukIndex !== undefined ? `<currentRecoveryPukIndex>${d.currentRecoveryPukIndex}</currentRecoveryPukIndex>` : "") +
      `</detail>`;
  }
  return (
    ENVELOPE_OPEN +
    `<SOAP-ENV:Fault><faultcode>SOAP-ENV:${fault.faultcode}</faultcode>` +
    `<faultstring xml:lang="en">${escapeText(fault.faultstring)}</faultstring>${detail}</SOAP-ENV:Fault>` +
    ENVELOPE_CLOSE
  );
}
