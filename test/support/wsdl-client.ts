import { createClientAsync, WSSecurity } from "soap";
import type { Client } from "soap";
import type { SoapFields, SoapValue } from "./soap-client.ts";

// A SOAP client generated at run time by node-soap from the WSDL the gateway serves, as a legacy integration
// builds one. Nothing here reads the gateway's schema model: element order comes from node-soap's reading of
// the WSDL (describe()), values are typed by node-soap's parser (xs:long → number via parseInt, xs:boolean →
// boolean, xs:dateTime → Date, maxOccurs>1 → array), and faults are read from node-soap's parsed envelope.

/** A SOAP fault as node-soap hands it over, with the PowerAuth detail (`errorCode`, `localizedMessage`). */
export interface WsdlFault {
  httpStatus: number | undefined;
  faultcode: string;
  faultstring: string;
  errorCode?: string;
  localizedMessage?: string;
  /** ERR0028 only: the PUK index to use next, as node-soap reads it (text, the detail is not typed by the WSDL). */
  currentRecoveryPukIndex?: string;
}

export interface WsdlClient {
  /** node-soap's client itself, for what the wrapper does not cover. */
  readonly soap: Client;
  /** Operation names in WSDL order, as node-soap read them. */
  readonly operations: readonly string[];
  /** Operations that returned a response (not a fault) through this client. */
  readonly answered: ReadonlySet<string>;
  /**
   * Calls `operation` with `args` put in the order node-soap read from the WSDL (it does not order them itself
   * for these schemas, see orderByWsdl) and resolves with node-soap's parsed response element.
   */
  call<T extends object = Record<string, unknown>>(operation: string, args?: SoapFields): Promise<T>;
  /** Calls `operation` with `args` exactly as given, to show what node-soap does with them unaided. */
  callAsGiven(operation: string, args: Record<string, unknown>): Promise<unknown>;
  /** The last envelope node-soap sent. */
  lastRequest(): string | undefined;
}

/** A node-soap description of an element's content: element name (`x[]` when repeated) → type or nested content. */
interface Described {
  [element: string]: string | Described;
}

/**
 * Fetches the WSDL and builds a node-soap client for it; with `credentials` every request carries a WS-Security
 * UsernameToken with a PasswordText password (node-soap's defaults otherwise: a wsu:Timestamp, no nonce).
 */
export async function createWsdlClient(wsdlUrl: string, credentials?: { username: string; password: string }): Promise<WsdlClient> {
  const soap = await createClientAsync(wsdlUrl);
  if (credentials) soap.setSecurity(new WSSecurity(credentials.username, credentials.password, { passwordType: "PasswordText" }));
  const inputs = describedInputs(soap);
  const answered = new Set<string>();
  const invoke = async (operation: string, args: unknown): Promise<unknown> => {
    const method: unknown = soap[`${operation}Async`];
    if (typeof method !== "function") throw new Error(`the WSDL has no operation ${operation}`);
    const [result] = (await method.call(soap, args)) as [unknown];
    answered.add(operation);
    return result;
  };
  return {
    soap,
    operations: [...inputs.keys()],
    answered,
    async call<T extends object>(operation: string, args: SoapFields = {}): Promise<T> {
      const input = inputs.get(operation);
      if (!input) throw new Error(`the WSDL has no operation ${operation}`);
      // An empty response element comes back as null.
      return ((await invoke(operation, orderByWsdl(args, input, operation))) ?? {}) as T;
    },
    callAsGiven: invoke,
    lastRequest: () => soap.lastRequest,
  };
}

/**
 * The fault a call ended with, read from node-soap's parsed envelope (faultstring carries xml:lang, so node-soap
 * gives it as `{ attributes, $value }`). Throws if the call succeeded or failed without a SOAP fault.
 */
export async function faultOf(call: Promise<unknown>): Promise<WsdlFault> {
  let failure: unknown;
  try {
    await call;
  } catch (error) {
    failure = error;
  }
  if (failure === undefined) throw new Error("expected a SOAP fault, the call succeeded");
  const { root, response } = failure as { root?: { Envelope?: { Body?: { Fault?: RawFault } } }; response?: { status?: number } };
  const fault = root?.Envelope?.Body?.Fault;
  if (!fault) throw failure;
  const faultstring = typeof fault.faultstring === "string" ? fault.faultstring : fault.faultstring.$value;
  return {
    httpStatus: response?.status,
    faultcode: fault.faultcode,
    faultstring,
    ...(fault.detail?.errorCode === undefined ? {} : { errorCode: fault.detail.errorCode }),
    ...(fault.detail?.localizedMessage === undefined ? {} : { localizedMessage: fault.detail.localizedMessage }),
    ...(fault.detail?.currentRecoveryPukIndex === undefined ? {} : { currentRecoveryPukIndex: String(fault.detail.currentRecoveryPukIndex) }),
  };
}

interface RawFault {
  faultcode: string;
  faultstring: string | { $value: string };
  detail?: { errorCode?: string; localizedMessage?: string; currentRecoveryPukIndex?: string | number };
}

/** Each operation's input description from the WSDL's only service and port. */
function describedInputs(soap: Client): Map<string, Described> {
  const services = soap.describe() as Record<string, Record<string, Record<string, { input: Described | string }>>>;
  const [ports] = Object.values(services);
  const [operations] = Object.values(ports ?? {});
  return new Map(Object.entries(operations ?? {}).map(([name, io]) => [name, typeof io.input === "object" ? io.input : {}]));
}

/**
 * node-soap 1.13.0 orders a request by the schema only for named types: for these WSDLs, whose request elements
 * have anonymous complex types (as the original PowerAuth XSD does), it writes the caller's key order. So the
 * order is taken from node-soap's own description of the WSDL; an element it does not describe is an error here
 * rather than a silently appended one.
 */
function orderByWsdl(args: SoapFields, described: Described, where: string): SoapFields {
  const names = new Map(Object.keys(described).map((key) => [key.replace(/\[\]$/, ""), key]));
  for (const name of Object.keys(args)) {
    if (!names.has(name)) throw new Error(`${where}: the WSDL describes no element ${name}`);
  }
  const ordered: SoapFields = {};
  for (const [name, key] of names) {
    const value = args[name];
    if (value === undefined) continue;
    const inner = described[key];
    const order = (item: SoapValue): SoapValue => (typeof inner === "object" && isFields(item) ? orderByWsdl(item, inner, `${where}/${name}`) : item);
    ordered[name] = Array.isArray(value) ? value.map(order) : order(value);
  }
  return ordered;
}

function isFields(value: SoapValue): value is SoapFields {
  return typeof value === "object" && !Array.isArray(value);
}
