// PostGraphile 5 for bench/compare.sh: the Amber preset, with conditions on every column (the
// page filters memberships by role, which has no index of its own).
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

export default {
  extends: [PostGraphileAmberPreset],
  disablePlugins: ["PgIndexBehaviorsPlugin"],
};
