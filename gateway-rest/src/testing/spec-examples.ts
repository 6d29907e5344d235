// Example bodies of the REST specification (seed 000) that more than one test file asserts against.

/** The create and detail answer of an application. */
export const APPLICATION_JSON = {
  id: "MY_APP_01",
  serviceBaseUrl: "https://api.example.com/",
  mobileSdkConfig: "ARB...w==",
  roles: ["ROLE1", "ROLE2"],
  appKey: "b34...==",
  appSecret: "aef...==",
  masterServerPublicKey: "MIIB...==",
};
