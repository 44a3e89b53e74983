/** What a package manager says is pending. */
export interface UpdateCounts {
  /** Names of the packages with an update, each once. */
  packages: string[];
  /** Of which those whose update is a security update. */
  security: string[];
}
