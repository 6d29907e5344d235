import { ServiceError, ServiceErrors } from "../errors.ts";

/** `${name}`: a name is letters, digits, `_`, `.` and `-`. */
const PLACEHOLDER = /\$\{([A-Za-z0-9_.-]+)\}/g;

/**
 * The placeholder names of a data template, in order. A `${` that does not open a well-formed placeholder is
 * ERR0024: such a template could never be filled into what the user is meant to sign.
 */
export function templatePlaceholders(dataTemplate: string): string[] {
  const names = [...dataTemplate.matchAll(PLACEHOLDER)].map((match) => match[1]);
  if (dataTemplate.replace(PLACEHOLDER, "").includes("${")) {
    throw new ServiceError(ServiceErrors.INVALID_REQUEST, { cause: new Error("dataTemplate has a malformed placeholder") });
  }
  return names;
}

/**
 * The operation data (what the device signs) from its template and parameters. Every placeholder must have a
 * parameter: a missing one is ERR0024 rather than an empty value, because data silently missing its amount or
 * account would still be signable. Parameters the template does not use are kept on the operation only.
 */
export function fillDataTemplate(dataTemplate: string, parameters: Readonly<Record<string, string>>): string {
  const missing = templatePlaceholders(dataTemplate).filter((name) => !Object.hasOwn(parameters, name));
  if (missing.length > 0) {
    throw new ServiceError(ServiceErrors.INVALID_REQUEST, { cause: new Error(`missing parameters: ${missing.join(", ")}`) });
  }
  return dataTemplate.replace(PLACEHOLDER, (_, name: string) => parameters[name]);
}
