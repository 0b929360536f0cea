/** Hostile endpoint, attacks in how it answers (see suite.ts): broken JSON, HTTP errors, silence, keys echoed in errors. */
import { hostileSuite } from "./suite.ts";

hostileSuite(["malformed-json", "http-errors", "silent", "echo-key-error"]);
