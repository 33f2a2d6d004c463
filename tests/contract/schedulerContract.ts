/**
 * The behavioural contract of the scheduler port (src/scheduler/scheduler.ts), run against every
 * adapter: `describeScheduler('in-process', make)`, `describeScheduler('bullmq', make, transport)`.
 *
 * It drives the real thing: a SqliteStore in a temporary file, the real ProcessEngine whose
 * `onCommit` syncs the scheduler (as the service wires it), diagrams deployed by the Deployer, and
 * a ManualClock. `fire` is the engine's `fireTimers`, recorded, so the tests assert both how often
 * and in which order instances were run, and what that did to them (tasks, history). Service
 * tasks run the world's handler `pruefen` as service-task jobs (`handled`, `failures`, `gate`).
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../src/clock.ts';
import { Deployer } from '../../src/engine/deployer.ts';
import { HandlerRegistry } from '../../src/engine/handlers.ts';
import { ProcessEngine } from '../../src/engine/processEngine.ts';
import { diffTimers, type FireTimers, type Scheduler } from '../../src/scheduler/scheduler.ts';
import { SqliteStore } from '../../src/store/sqlite/sqliteStore.ts';
import type { DefinitionRecord, InstanceRecord, Store, TimerRecord } from '../../src/store/store.ts';

export interface SchedulerDeps {
  store: Store;
  clock: ManualClock;
  fire: FireTimers;
}

/** What the contract needs to know about an adapter's transport (optional for one without). */
export interface SchedulerTransport {
  /** Deliveries the transport still holds (BullMQ: delayed, waiting and active jobs). */
  leftovers?(): Promise<number>;
  /** Delivers a duplicate of a timer through the transport and resolves once it was processed. */
  deliverDuplicate?(timer: TimerRecord): Promise<void>;
  /** Loses everything the transport holds, as a crash between a commit and its sync would. */
  lose?(): Promise<void>;
}

const HOUR = 3600_000;
const T0 = Date.parse('2026-03-01T08:00:00Z');

function bpmn(processId: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs_${processId}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${processId}" isExecutable="true">${body}</bpmn:process>
</bpmn:definitions>`;
}

/** A registration with a one-hour deadline: the interrupting boundary timer escalates. */
const DEADLINE = bpmn('frist', `
  <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="anmeldung"/>
  <bpmn:userTask id="anmeldung"/>
  <bpmn:boundaryEvent id="fristAbgelaufen" attachedToRef="anmeldung"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
  <bpmn:sequenceFlow id="f1" sourceRef="fristAbgelaufen" targetRef="eskalation"/><bpmn:userTask id="eskalation"/>
  <bpmn:sequenceFlow id="f2" sourceRef="eskalation" targetRef="e1"/><bpmn:endEvent id="e1"/>
  <bpmn:sequenceFlow id="f3" sourceRef="anmeldung" targetRef="pruefung"/><bpmn:userTask id="pruefung"/>
  <bpmn:sequenceFlow id="f4" sourceRef="pruefung" targetRef="e2"/><bpmn:endEvent id="e2"/>`);

/** Waits until the date in the variable `due`, then a task. */
const WAIT = bpmn('warten', `
  <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="pause"/>
  <bpmn:intermediateCatchEvent id="pause"><bpmn:timerEventDefinition><bpmn:timeDate>=date and time(due)</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
  <bpmn:sequenceFlow id="f1" sourceRef="pause" targetRef="danach"/><bpmn:userTask id="danach"/>
  <bpmn:sequenceFlow id="f2" sourceRef="danach" targetRef="e"/><bpmn:endEvent id="e"/>`);

/** A service task whose handler `pruefen` runs as a job (3 tries, an hour apart), then a task. */
const SERVICE = bpmn('dienst', `
  <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="pruefen"/>
  <bpmn:serviceTask id="pruefen" camunda:type="external" camunda:topic="pruefen">
    <bpmn:extensionElements><camunda:failedJobRetryTimeCycle>R3/PT1H</camunda:failedJobRetryTimeCycle></bpmn:extensionElements>
  </bpmn:serviceTask>
  <bpmn:sequenceFlow id="f1" sourceRef="pruefen" targetRef="danach"/><bpmn:userTask id="danach"/>
  <bpmn:sequenceFlow id="f2" sourceRef="danach" targetRef="e"/><bpmn:endEvent id="e"/>`);

/** One test's world: store, clock, engine and the scheduler under test (replaced on restart). */
export class SchedulerWorld {
  readonly clock = new ManualClock(T0);
  readonly fired: string[] = [];
  /** Instances whose `pruefen` handler ran (each try). */
  readonly handled: string[] = [];
  /** How many of the next tries of `pruefen` fail. */
  failures = 0;
  /** While set, `pruefen` waits for it before it returns (a long-running handler). */
  gate: Promise<void> | null = null;
  readonly handlers = new HandlerRegistry().register('pruefen', async ({ instanceId }) => {
    this.handled.push(instanceId);
    if (this.gate) await this.gate;
    if (this.failures > 0) {
      this.failures--;
      throw new Error('Dienst nicht erreichbar');
    }
    return { geprueft: true };
  });
  scheduler: Scheduler | null = null;
  engine!: ProcessEngine;
  store!: SqliteStore;
  private readonly syncs = new Set<Promise<void>>();
  private definitions = new Map<string, DefinitionRecord>();

  constructor(
    private readonly dir: string,
    private readonly make: (deps: SchedulerDeps) => Promise<Scheduler>,
  ) {}

  readonly fire: FireTimers = async (instanceId) => {
    this.fired.push(instanceId);
    return this.engine.fireTimers(instanceId);
  };

  async init(): Promise<void> {
    this.store = new SqliteStore({ file: path.join(this.dir, 'store.sqlite') });
    await this.store.init();
    this.engine = new ProcessEngine({
      store: this.store,
      clock: this.clock,
      handlers: this.handlers,
      onCommit: (before, after) => {
        const scheduler = this.scheduler;
        if (!scheduler) return;
        const p = scheduler.sync(diffTimers(after.id, before?.timers ?? [], after.timers)).catch((err) => {
          throw new Error(`sync failed: ${(err as Error).message}`);
        });
        this.syncs.add(p);
        void p.finally(() => this.syncs.delete(p)).catch(() => undefined);
      },
    });
    const deployer = new Deployer(this.store, this.clock);
    const result = await deployer.deploy({ name: 'scheduler-contract', files: [
      { name: 'frist.bpmn', content: Buffer.from(DEADLINE) },
      { name: 'warten.bpmn', content: Buffer.from(WAIT) },
      { name: 'dienst.bpmn', content: Buffer.from(SERVICE) },
    ] });
    for (const d of result.definitions) this.definitions.set(d.key, d);
  }

  /** A new scheduler over the same store (and transport), started. */
  async boot(): Promise<Scheduler> {
    const scheduler = await this.make({ store: this.store, clock: this.clock, fire: this.fire });
    this.scheduler = scheduler;
    await scheduler.start();
    return scheduler;
  }

  async stop(): Promise<void> {
    await this.settle();
    const s = this.scheduler;
    this.scheduler = null;
    await s?.close();
  }

  /** Waits for the syncs the engine's commits started (the engine does not await them). */
  async settle(): Promise<void> {
    while (this.syncs.size) await Promise.all([...this.syncs]);
  }

  async startDeadline(): Promise<InstanceRecord> {
    const instance = await this.engine.start(this.definitions.get('frist')!);
    await this.settle();
    return instance;
  }

  async startWait(due: number): Promise<InstanceRecord> {
    const instance = await this.engine.start(this.definitions.get('warten')!, {
      variables: { due: { type: 'String', value: new Date(due).toISOString() } },
    });
    await this.settle();
    return instance;
  }

  /** Starts an instance whose service task `pruefen` becomes a job due now. */
  async startService(): Promise<InstanceRecord> {
    const instance = await this.engine.start(this.definitions.get('dienst')!);
    await this.settle();
    return instance;
  }

  /** The instance's service-task jobs (records with a handler). */
  async jobsOf(instanceId: string): Promise<TimerRecord[]> {
    return (await this.timersOf(instanceId)).filter((t) => t.handler);
  }

  /** Waits until `check` holds (a worker delivers on its own), or fails after `ms`. */
  async until(check: () => Promise<boolean>, what: string, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await this.settle();
  }

  async runDue(): Promise<number> {
    const n = await this.scheduler!.runDue();
    await this.settle();
    return n;
  }

  async taskKeys(instanceId: string): Promise<string[]> {
    return (await this.store.findTasks({ instanceId })).map((t) => t.taskDefinitionKey).sort();
  }

  /** How often an activity ran in an instance (history). */
  async ran(instanceId: string, activityId: string): Promise<number> {
    return this.store.countActivityHistory({ instanceId, activityId });
  }

  async timersOf(instanceId: string): Promise<TimerRecord[]> {
    return (await this.store.getInstance(instanceId))!.timers;
  }

  async close(): Promise<void> {
    await this.stop().catch(() => undefined);
    await this.store?.close();
  }
}

export function describeScheduler(
  name: string,
  make: (deps: SchedulerDeps) => Promise<Scheduler>,
  transport: SchedulerTransport = {},
): void {
  describe(`Scheduler contract: ${name}`, function () {
    let dir: string;
    let w: SchedulerWorld;

    beforeEach(async function () {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kim-scheduler-'));
      w = new SchedulerWorld(dir, make);
      await w.init();
      await w.boot();
    });

    afterEach(async function () {
      await w?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    /** Nothing left to deliver: no timer in the store, no job in the transport. */
    async function expectNothingPending(): Promise<void> {
      expect(await w.store.nextTimerDue(), 'a timer is left in the store').to.equal(undefined);
      if (transport.leftovers) expect(await transport.leftovers(), 'a job is left in the transport').to.equal(0);
    }

    it('delivers a timer once when it falls due, and not before', async function () {
      const i = await w.startDeadline();
      expect((await w.timersOf(i.id)).map((t) => t.dueAt)).to.deep.equal([new Date(T0 + HOUR).toISOString()]);

      expect(await w.runDue()).to.equal(0);
      w.clock.advance(HOUR - 60_000);
      expect(await w.runDue()).to.equal(0);
      expect(w.fired).to.deep.equal([]);
      expect(await w.taskKeys(i.id)).to.deep.equal(['anmeldung']);

      w.clock.advance(60_000);
      expect(await w.runDue()).to.equal(1);
      expect(w.fired).to.deep.equal([i.id]);
      expect(await w.taskKeys(i.id)).to.deep.equal(['eskalation']);
      expect(await w.ran(i.id, 'fristAbgelaufen')).to.equal(1);

      w.clock.advance(HOUR);
      expect(await w.runDue()).to.equal(0);
      expect(w.fired).to.deep.equal([i.id]);
      await expectNothingPending();
    });

    it('delivers the timers due in one runDue in due order, each once', async function () {
      const c = await w.startWait(T0 + 3 * HOUR);
      const a = await w.startWait(T0 + 1 * HOUR);
      const b = await w.startWait(T0 + 2 * HOUR);
      const later = await w.startWait(T0 + 10 * HOUR);
      w.clock.advance(5 * HOUR);
      expect(await w.runDue()).to.equal(3);
      expect(w.fired).to.deep.equal([a.id, b.id, c.id]);
      for (const i of [a, b, c]) {
        expect(await w.taskKeys(i.id)).to.deep.equal(['danach']);
        expect(await w.ran(i.id, 'pause')).to.equal(1);
      }
      expect(await w.taskKeys(later.id)).to.deep.equal([]);
      expect(await w.store.nextTimerDue()).to.equal(new Date(T0 + 10 * HOUR).toISOString());
    });

    it('a timer synced twice is delivered once: the instance advances once', async function () {
      const i = await w.startDeadline();
      const timers = await w.timersOf(i.id);
      await w.scheduler!.sync({ instanceId: i.id, added: timers, removed: [] });
      await w.scheduler!.sync({ instanceId: i.id, added: timers, removed: [] });
      w.clock.advance(HOUR);
      expect(await w.runDue()).to.equal(1);
      expect(w.fired).to.deep.equal([i.id]);
      expect(await w.taskKeys(i.id)).to.deep.equal(['eskalation']);
      expect(await w.ran(i.id, 'fristAbgelaufen')).to.equal(1);
      expect(await w.ran(i.id, 'eskalation')).to.equal(1);
      expect(await w.runDue()).to.equal(0);
      await expectNothingPending();
    });

    it('a delivered duplicate changes nothing', async function () {
      const i = await w.startDeadline();
      const [timer] = await w.timersOf(i.id);
      w.clock.advance(HOUR);
      expect(await w.runDue()).to.equal(1);
      const before = await w.store.getInstance(i.id);

      await w.fire(i.id); // a second delivery of the same timer
      if (transport.deliverDuplicate) await transport.deliverDuplicate(timer!);
      await w.settle();

      const after = await w.store.getInstance(i.id);
      expect(after!.version).to.equal(before!.version);
      expect(await w.taskKeys(i.id)).to.deep.equal(['eskalation']);
      expect(await w.ran(i.id, 'fristAbgelaufen')).to.equal(1);
      expect(await w.ran(i.id, 'eskalation')).to.equal(1);
      expect(await w.runDue()).to.equal(0);
      await expectNothingPending();
    });

    it('completing the activity cancels its boundary timer: no stray timer or job is left behind', async function () {
      const i = await w.startDeadline();
      const keep = await w.startDeadline();
      if (transport.leftovers) expect(await transport.leftovers()).to.equal(2);
      const [task] = await w.store.findTasks({ instanceId: i.id });
      await w.engine.completeTask(task!.id);
      await w.settle();
      expect(await w.taskKeys(i.id)).to.deep.equal(['pruefung']);
      expect(await w.timersOf(i.id)).to.deep.equal([]);
      if (transport.leftovers) expect(await transport.leftovers()).to.equal(1);

      const [other] = await w.store.findTasks({ instanceId: keep.id });
      await w.engine.completeTask(other!.id);
      await w.settle();
      await expectNothingPending();

      w.clock.advance(2 * HOUR);
      expect(await w.runDue()).to.equal(0);
      expect(w.fired).to.deep.equal([]);
      const boundary = await w.store.findActivityHistory({ instanceId: i.id, activityId: 'fristAbgelaufen' });
      expect(boundary.map((h) => h.canceled)).to.deep.equal([true]);
      expect(await w.ran(i.id, 'eskalation')).to.equal(0);
      expect(await w.taskKeys(i.id)).to.deep.equal(['pruefung']);
    });

    it('timers that fell due while stopped fire once each, in due order, after start()', async function () {
      const c = await w.startWait(T0 + 3 * HOUR);
      const a = await w.startWait(T0 + 1 * HOUR);
      const b = await w.startWait(T0 + 2 * HOUR);
      const later = await w.startWait(T0 + 10 * HOUR);
      await w.stop();

      w.clock.advance(5 * HOUR); // due while everything was down
      await w.boot();
      await w.runDue();
      expect(w.fired).to.deep.equal([a.id, b.id, c.id]);
      for (const i of [a, b, c]) {
        expect(await w.taskKeys(i.id)).to.deep.equal(['danach']);
        expect(await w.ran(i.id, 'pause')).to.equal(1);
      }
      expect(await w.taskKeys(later.id)).to.deep.equal([]);

      w.clock.advance(5 * HOUR);
      expect(await w.runDue()).to.equal(1);
      expect(w.fired).to.deep.equal([a.id, b.id, c.id, later.id]);
      expect(await w.taskKeys(later.id)).to.deep.equal(['danach']);
      await expectNothingPending();
    });

    it('a sync lost in a crash is repaired by start(): due and future timers still fire once', async function () {
      const due = await w.startWait(T0 + 1 * HOUR);
      const future = await w.startWait(T0 + 4 * HOUR);
      await w.stop();
      await transport.lose?.();

      w.clock.advance(2 * HOUR);
      await w.boot();
      await w.runDue();
      expect(w.fired).to.deep.equal([due.id]);
      expect(await w.taskKeys(due.id)).to.deep.equal(['danach']);
      if (transport.leftovers) expect(await transport.leftovers()).to.equal(1);

      w.clock.advance(2 * HOUR);
      expect(await w.runDue()).to.equal(1);
      expect(w.fired).to.deep.equal([due.id, future.id]);
      expect(await w.taskKeys(future.id)).to.deep.equal(['danach']);
      await expectNothingPending();
    });

    it('start() catches up on timers committed while no scheduler ran at all', async function () {
      await w.stop();
      const a = await w.startWait(T0 + 2 * HOUR); // no scheduler: nothing synced
      const b = await w.startWait(T0 + 1 * HOUR);
      w.clock.advance(3 * HOUR);
      await w.boot();
      await w.runDue();
      expect(w.fired).to.deep.equal([b.id, a.id]);
      expect(await w.taskKeys(a.id)).to.deep.equal(['danach']);
      expect(await w.taskKeys(b.id)).to.deep.equal(['danach']);
      await expectNothingPending();
    });

    it('a service-task job runs its handler; a failed try is retried when due, together with a timer due then', async function () {
      w.failures = 1;
      const job = await w.startService();
      // A new job is due now: the scheduler delivers it on its own (runDue also waits for it).
      await w.runDue();
      await w.until(async () => (await w.jobsOf(job.id))[0]?.retries === 2, 'the first try failed');
      expect(w.handled).to.deep.equal([job.id]);
      const [retry] = await w.jobsOf(job.id);
      expect(retry!.dueAt).to.equal(new Date(T0 + HOUR).toISOString());
      expect(retry!.exceptionMessage).to.match(/Dienst nicht erreichbar/);
      const timer = await w.startWait(T0 + HOUR);

      w.clock.advance(HOUR - 60_000);
      expect(await w.runDue()).to.equal(0);
      expect(w.handled).to.deep.equal([job.id]);

      w.clock.advance(60_000);
      expect(await w.runDue()).to.equal(2);
      expect(w.handled).to.deep.equal([job.id, job.id]);
      expect(await w.taskKeys(job.id)).to.deep.equal(['danach']);
      expect(await w.taskKeys(timer.id)).to.deep.equal(['danach']);
      expect(await w.ran(job.id, 'pruefen')).to.equal(1);
      expect(await w.runDue()).to.equal(0);
      await expectNothingPending();
    });

    it('close() twice is fine; sync and runDue after close do nothing', async function () {
      const i = await w.startDeadline();
      const s = w.scheduler!;
      const timers = await w.timersOf(i.id);
      await w.stop();
      await s.close();
      await s.close();
      await s.sync({ instanceId: i.id, added: timers, removed: [] });
      w.clock.advance(2 * HOUR);
      expect(await s.runDue()).to.equal(0);
      expect(w.fired).to.deep.equal([]);
      expect(await w.taskKeys(i.id)).to.deep.equal(['anmeldung']);
    });
  });
}
