/** The `elect_preferred_leaders` executor (placeholder: refuses until implemented). */
import { notYetExecutable } from "./executor.ts";

export const electPreferredLeaders = notYetExecutable("elect_preferred_leaders", "no executor for elect_preferred_leaders yet");
