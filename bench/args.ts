/** Command-line options of `npm run bench`. Exit 2 on anything it does not understand. */
export interface BenchArgs {
  /** Instances through the service (measured, after warm-up). */
  serviceInstances: number;
  /** Iterations of the raw bpmn-engine loop, per raw run. */
  rawInstances: number;
  clients: number;
  quick: boolean;
  profile: 'embedded';
  /** Also run a sequential, instrumented pass that times the service's phases. */
  phases: boolean;
  /** Run the service in this process instead of a child process. */
  inProcess: boolean;
}

export const USAGE = `usage: npm run bench -- [--quick] [--instances N] [--raw-instances N] [--clients N]
                       [--phases] [--in-process] [--profile embedded]
  --instances N      service instances (default 1000; raw iterations default to 2·N)
  --raw-instances N  raw bpmn-engine iterations per raw run
  --clients N        concurrent HTTP clients (default 16)
  --quick            small counts, a smoke run (< 20 s)
  --phases           extra sequential pass timing HTTP/auth, store, engine, commit
  --in-process       run the service in the bench process (default: a child process)
  --profile P        store/scheduler profile; only 'embedded' exists yet`;

function fail(message: string): never {
  console.error(`bench: ${message}\n${USAGE}`);
  process.exit(2);
}

function positiveInt(name: string, raw: string | undefined): number {
  if (raw === undefined || !/^\d+$/.test(raw) || Number(raw) < 1) fail(`${name} needs a positive integer, got '${raw ?? ''}'`);
  return Number(raw);
}

export function parseArgs(argv: string[]): BenchArgs {
  let instances: number | undefined;
  let raw: number | undefined;
  let clients = 16;
  let quick = false;
  let phases = false;
  let inProcess = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.startsWith('--') && argv[i]!.includes('=') ? [argv[i]!.slice(0, argv[i]!.indexOf('=')), argv[i]!.slice(argv[i]!.indexOf('=') + 1)] : [argv[i]!, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--instances': instances = positiveInt(flag, value()); break;
      case '--raw-instances': raw = positiveInt(flag, value()); break;
      case '--clients': clients = positiveInt(flag, value()); break;
      case '--quick': quick = true; break;
      case '--phases': phases = true; break;
      case '--in-process': inProcess = true; break;
      case '--profile': {
        const p = value();
        if (p !== 'embedded') fail(`profile '${p ?? ''}' is not supported (only 'embedded'; 'distributed' comes later)`);
        break;
      }
      case '--help': case '-h': console.log(USAGE); process.exit(0);
      default: fail(`unknown option '${argv[i]}'`);
    }
  }
  const serviceInstances = instances ?? (quick ? 120 : 1000);
  return { serviceInstances, rawInstances: raw ?? (quick ? 200 : 2 * serviceInstances), clients, quick, profile: 'embedded', phases, inProcess };
}
