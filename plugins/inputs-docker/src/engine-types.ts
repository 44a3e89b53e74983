/**
 * The parts of the Engine API's answers this plugin reads (API 1.24 and later; fields added
 * later are optional). Engines omit what does not apply, so most fields are optional.
 */

export interface EngineInfo {
  Name?: string;
  ServerVersion?: string;
  /** The engine's clock, RFC 3339 with nanoseconds. */
  SystemTime?: string;
  Containers?: number;
  ContainersRunning?: number;
  ContainersPaused?: number;
  ContainersStopped?: number;
  Images?: number;
  NCPU?: number;
  NFd?: number;
  NGoroutines?: number;
  NEventsListener?: number;
  MemTotal?: number;
}

export interface ContainerSummary {
  Id: string;
  Names?: string[];
  Image?: string;
  State?: string;
  Labels?: Record<string, string>;
}

export interface ContainerState {
  Status?: string;
  Running?: boolean;
  Paused?: boolean;
  Restarting?: boolean;
  OOMKilled?: boolean;
  Dead?: boolean;
  Pid?: number;
  ExitCode?: number;
  Error?: string;
  StartedAt?: string;
  FinishedAt?: string;
  Health?: { Status?: string; FailingStreak?: number };
}

export interface InspectResult {
  Id: string;
  RestartCount?: number;
  State?: ContainerState;
}

export interface CpuStats {
  cpu_usage?: {
    total_usage?: number;
    percpu_usage?: number[];
    usage_in_kernelmode?: number;
    usage_in_usermode?: number;
  };
  system_cpu_usage?: number;
  online_cpus?: number;
  throttling_data?: { periods?: number; throttled_periods?: number; throttled_time?: number };
}

export interface BlkioEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

export interface NetworkCounters {
  rx_bytes?: number;
  rx_packets?: number;
  rx_errors?: number;
  rx_dropped?: number;
  tx_bytes?: number;
  tx_packets?: number;
  tx_errors?: number;
  tx_dropped?: number;
}

export interface MemoryStats {
  usage?: number;
  max_usage?: number;
  limit?: number;
  failcnt?: number;
  stats?: Record<string, number>;
}

export interface StatsResult {
  read?: string;
  pids_stats?: { current?: number };
  cpu_stats?: CpuStats;
  precpu_stats?: CpuStats;
  memory_stats?: MemoryStats;
  networks?: Record<string, NetworkCounters>;
  blkio_stats?: Record<string, BlkioEntry[] | null | undefined>;
}

export interface EngineEvent {
  Type?: string;
  Action?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  timeNano?: number;
}
