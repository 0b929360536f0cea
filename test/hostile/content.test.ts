/** Hostile endpoint, attacks in what it answers (see suite.ts); transport.test.ts has the rest, so the two run on separate workers. */
import { hostileSuite } from "./suite.ts";

hostileSuite(["bad-tool-args", "wrong-entities", "injection", "huge", "bogus-usage", "echo-key", "text-protocol", "restate"]);
