// Regenerates gateway-soap/wsdl/serviceV3.wsdl and serviceV2.wsdl from the XSDs:
// `npx node gateway-soap/src/generate-wsdl.ts`. wsdl.test.ts fails when the committed files are stale.

import { writeFileSync } from "node:fs";
import { parseSchema } from "./xsd-model.ts";
import { readPackageFile, SERVICE_FILES } from "./soap-services.ts";
import { buildWsdl } from "./wsdl.ts";

for (const f of SERVICE_FILES) {
  const schemaText = readPackageFile(f.xsd);
  const wsdl = buildWsdl({ portType: f.portType, schema: parseSchema(schemaText), schemaText });
  const target = new URL(`../wsdl/${f.wsdlFile}`, import.meta.url);
  writeFileSync(target, wsdl);
  process.stdout.write(`wrote ${target.pathname}\n`);
}
