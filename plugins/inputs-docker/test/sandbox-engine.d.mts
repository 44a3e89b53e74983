export declare const TEST_IMAGE: string;
export declare const ISOLATION_FLAGS: string[];

export interface SandboxTls {
  /** tcp://127.0.0.1:<port>, served with --tlsverify. */
  endpoint: string;
  ca: string;
  cert: string;
  key: string;
}

export interface SandboxEngine {
  dir: string;
  socket: string;
  /** unix://<dir>/docker.sock */
  endpoint: string;
  tls?: SandboxTls;
  docker(...args: string[]): Promise<string>;
  run(...args: string[]): Promise<string>;
  inspect(name: string): Promise<any>;
  waitFor(name: string, predicate: (inspect: any) => boolean, what: string, timeoutMs?: number): Promise<any>;
  stop(): Promise<void>;
}

export declare function startSandboxEngine(options?: { tls?: boolean }): Promise<SandboxEngine>;
