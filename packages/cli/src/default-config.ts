/** What `vigil run` runs when no configuration is given: host metrics every 10 s on stdout. */
export const DEFAULT_CONFIG_LABEL = '(embedded default)';

export const DEFAULT_CONFIG = `[agent]
  interval = "10s"
  flush_interval = "10s"

[[inputs.system]]

[[outputs.file]]
  files = ["stdout"]
`;
