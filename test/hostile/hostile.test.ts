/**
 * The hostile-endpoint suite (issue 14): every mode against every fixture (see suite.ts and
 * README.md). One file, so the rules-only baselines are computed once.
 */
import { hostileSuite } from "./suite.ts";
import { MODES } from "./modes.ts";

hostileSuite(MODES.map((m) => m.name));
