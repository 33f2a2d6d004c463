/** Command-line options of `npm run bench`. Exit 2 on anything it does not understand. */
export type Profile = 'embedded' | 'distributed';

export interface BenchArgs {
  /** Instances through the service (measured, after warm-up). */
  serviceInstances: number;
  /** Iterations of the raw bpmn-engine loop, per raw run. */
  rawInstances: number;
  clients: number;
  quick: boolean;
  profile: Profile;
  /** Whether --profile was given (the timer section runs both profiles unless it was). */
  profileGiven: boolean;
  /** Also run a sequential, instrumented pass that times the service's phases. */
  phases: boolean;
  /** Run the service in this process instead of a child process (embedded only). */
  inProcess: boolean;
  /** Run the timer section instead of the throughput bench. */
  timers: boolean;
  /** Timers per profile (undefined: the profile's default, see timers.ts). */
  timerCount: number | undefined;
  /** Raw BullMQ delayed jobs per baseline run (default: the largest timer count). */
  rawJobs: number | undefined;
}

export const USAGE = `usage: npm run bench -- [--quick] [--instances N] [--raw-instances N] [--clients N]
                       [--phases] [--in-process] [--profile embedded|distributed]
       npm run bench -- --timers [--quick] [--timer-count N] [--raw-jobs N] [--profile P]
  --instances N      service instances (default 1000 embedded, 200 distributed; raw iterations default to 2·N, at least 2000)
  --raw-instances N  raw bpmn-engine iterations per raw run
  --clients N        concurrent HTTP clients (default 16)
  --quick            small counts, a smoke run
  --phases           extra sequential pass timing HTTP/auth, store, engine, commit
  --in-process       run the service in the bench process (embedded only; default: a child process)
  --profile P        embedded (SQLite, in-process scheduler) or distributed (MongoDB + Redis/BullMQ:
                     MONGODB_URL/REDIS_URL from the environment, else FerretDB + Redis started here)
  --timers           the timer section instead: N timers due at once on each profile (both unless
                     --profile), time until all fired, ratio to BullMQ's raw delayed-job rate
  --timer-count N    timers per profile (default 10000 embedded, 1000 distributed (FerretDB is slow); --quick 1000 / 300)
  --raw-jobs N       delayed jobs of the raw BullMQ baseline (default 10000; --quick 2000)`;

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
  let profile: Profile = 'embedded';
  let profileGiven = false;
  let timers = false;
  let timerCount: number | undefined;
  let rawJobs: number | undefined;
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
      case '--timers': timers = true; break;
      case '--timer-count': timerCount = positiveInt(flag, value()); break;
      case '--raw-jobs': rawJobs = positiveInt(flag, value()); break;
      case '--profile': {
        const p = value();
        if (p !== 'embedded' && p !== 'distributed') fail(`profile '${p ?? ''}' is not supported (embedded or distributed)`);
        profile = p;
        profileGiven = true;
        break;
      }
      case '--help': case '-h': console.log(USAGE); process.exit(0);
      default: fail(`unknown option '${argv[i]}'`);
    }
  }
  if (inProcess && profile === 'distributed') fail('--in-process is for the embedded profile only');
  const serviceInstances = instances ?? (profile === 'distributed' ? (quick ? 40 : 200) : quick ? 120 : 1000);
  const rawDefault = quick ? 200 : Math.max(2000, 2 * serviceInstances);
  return { serviceInstances, rawInstances: raw ?? rawDefault, clients, quick, profile, profileGiven, phases, inProcess, timers, timerCount, rawJobs };
}
