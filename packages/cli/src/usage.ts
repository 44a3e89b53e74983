/** A mistake in how vigil was invoked: printed with a hint, exit code 2. */
export class UsageError extends Error {}

export const USAGE = `Usage: vigil [command] [flags]

Commands:
  run        run the agent (the default command)
  test       gather once, print the metrics as line protocol ("> …"), run no output
  validate   check the configuration without running anything
  migrate    FILE: rewrite a Telegraf config into vigil's form on stdout, a summary on stderr
  config     print a sample configuration (--inputs a,b --processors c --outputs d)
  plugins    list every plugin with its package and version; plugins install <npm name|tarball|folder>,
             plugins remove <name>: add or take away a plugin package in the plugin directory
  heartbeat  --print: show the message each heartbeat output would send now
  ingest     --print: gather once and show what each ingest output would send (a HostHeartbeat first)
  buffer     inspect: per output, the disk buffer's segments, records, bytes, oldest item, damage
  check-connection  connect every output (brokers, endpoints, files) and close it again; exit 1 on a failure
  top        a live view of a running agent over its status API ([api]); q quits
  version    print the version

Flags:
  --config FILE|URL        a configuration file or http(s) URL (repeatable)
  --config-directory DIR   also load every *.toml and *.conf in DIR, in name order
  --once                   (run) gather once, flush every output, exit (1 if a write failed)
  --test-wait SECONDS      (test) let service inputs run this long before stopping
  --url URL                (top) the status API to read; [api] listen of --config by default
  --token TOKEN            (top) the API token; [api] token of --config, else $VIGIL_API_TOKEN
  --plugin-directory DIR   (plugins) where plugin packages are installed; [agent] plugin_directory by default
  --debug                  log at debug level
  --version, -v, -V        print the version
  --help, -h               print this help

With no --config, vigil reads $VIGIL_CONFIG_PATH, else runs an embedded default
(inputs.system every 10s to outputs.file on stdout).
`;
