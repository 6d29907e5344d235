import { Migration0001Initial } from "./0001-initial.ts";

/** Every migration in order. New ones are appended, never edited once released. */
export const migrationsList = [{ name: "0001-initial", class: Migration0001Initial }];
